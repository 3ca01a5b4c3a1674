/**
 * `npm run bench -- [flags]`: the flags, their defaults, and --quick's smaller defaults (a few
 * seconds per mode and a tiny control-plane scale, for the test suite).
 */
import { parseArgs } from 'node:util';
import { ALL_MODES, type ModeName } from './macro/mode.ts';

export interface BenchOptions {
  readonly quick: boolean;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly connections: readonly number[];
  readonly rps: number;
  readonly modes: readonly ModeName[];
  readonly saturationConnections: number;
  readonly saturationSeconds: number;
  readonly bulkSeconds: number;
  readonly h2c: boolean;
  readonly grpc: boolean;
  readonly dataPath: boolean;
  readonly controlPlane: boolean;
  readonly services: number;
  readonly pods: number;
  readonly proxies: number;
  readonly outDir: string | undefined;
  readonly profile: boolean;
  /** Extra node flags for the Mizzen sidecar processes (experiments, e.g. "--max-semi-space-size=2"). */
  readonly sidecarNodeFlags: readonly string[];
  /** Extra environment for the Mizzen sidecars (experiments, e.g. MIZZEN_ACCESS_LOG_FILE= to turn the access log off). */
  readonly sidecarEnv: Readonly<Record<string, string>>;
  /** Re-render the report (targets, tables, chart, markdown) from a results JSON instead of measuring. */
  readonly render: string | undefined;
  readonly help: boolean;
}

export const USAGE = `npm run bench -- [flags]
  --quick                 a few seconds per mode, tiny control-plane scale (the test suite runs this)
  --duration S            seconds per fixed-rate point (default 30; quick 2)
  --connections 4,16      connection counts for the fixed-rate points
  --rps N                 fixed total rate (default 1000)
  --modes a,b             of ${ALL_MODES.join(', ')} (default all)
  --saturation-seconds S  closed-loop run per mode (default 10; quick 1)
  --bulk-seconds S        iperf3 run per mode (default 10; quick 1)
  --no-h2c                skip the h2c point
  --no-grpc               skip the gRPC unary point
  --no-data-path          only the control plane benchmark
  --no-control-plane      only the data path benchmark
  --services N --pods N --proxies N   control-plane scale (default 1000, 2000, 100; quick 20, 40, 4)
  --out DIR               where to write the JSON, SVG and markdown (default bench/results)
  --profile               instead: run Mizzen under load with --cpu-prof and summarise the top self-time functions
  --render FILE           re-render targets, tables, SVG and markdown from a results JSON (no measuring)
  --sidecar-node-flags="F"  extra node flags for the mizzen sidecar processes (an experiment; recorded in the results)
  --sidecar-env="K=V ..."   extra environment for the mizzen sidecars (an experiment, e.g. MIZZEN_ACCESS_LOG_FILE= ; recorded)`;

function positive(flag: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag}: expected a positive number, got ${JSON.stringify(v)}`);
  return n;
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  const { values: v } = parseArgs({
    args: [...argv],
    options: {
      'quick': { type: 'boolean' }, 'duration': { type: 'string' }, 'connections': { type: 'string' }, 'rps': { type: 'string' },
      'modes': { type: 'string' }, 'saturation-seconds': { type: 'string' }, 'bulk-seconds': { type: 'string' }, 'no-h2c': { type: 'boolean' }, 'no-grpc': { type: 'boolean' },
      'no-data-path': { type: 'boolean' }, 'no-control-plane': { type: 'boolean' }, 'services': { type: 'string' }, 'pods': { type: 'string' },
      'proxies': { type: 'string' }, 'out': { type: 'string' }, 'profile': { type: 'boolean' }, 'sidecar-node-flags': { type: 'string' }, 'sidecar-env': { type: 'string' }, 'render': { type: 'string' }, 'help': { type: 'boolean', short: 'h' },
    },
  });
  const quick = v.quick === true;
  const modes = (v.modes ?? ALL_MODES.join(',')).split(',').map((m) => m.trim()).filter(Boolean);
  for (const m of modes) if (!(ALL_MODES as readonly string[]).includes(m)) throw new Error(`--modes: unknown mode ${JSON.stringify(m)} (known: ${ALL_MODES.join(', ')})`);
  const connections = (v.connections ?? '4,16').split(',').map((c) => positive('--connections', c, 4));
  const rps = positive('--rps', v.rps, 1000);
  return {
    quick,
    seconds: positive('--duration', v.duration, quick ? 2 : 30),
    warmupSeconds: quick ? 1 : 5,
    connections, rps,
    modes: modes as ModeName[],
    saturationConnections: 16,
    saturationSeconds: positive('--saturation-seconds', v['saturation-seconds'], quick ? 1 : 10),
    bulkSeconds: positive('--bulk-seconds', v['bulk-seconds'], quick ? 1 : 10),
    h2c: v['no-h2c'] !== true,
    grpc: v['no-grpc'] !== true,
    dataPath: v['no-data-path'] !== true,
    controlPlane: v['no-control-plane'] !== true,
    services: positive('--services', v.services, quick ? 20 : 1000),
    pods: positive('--pods', v.pods, quick ? 40 : 2000),
    proxies: positive('--proxies', v.proxies, quick ? 4 : 100),
    outDir: v.out,
    profile: v.profile === true,
    sidecarNodeFlags: (v['sidecar-node-flags'] ?? '').split(' ').filter(Boolean),
    sidecarEnv: Object.fromEntries((v['sidecar-env'] ?? '').split(' ').filter(Boolean).map((kv) => {
      const i = kv.indexOf('=');
      if (i <= 0) throw new Error(`--sidecar-env: expected K=V, got ${JSON.stringify(kv)}`);
      return [kv.slice(0, i), kv.slice(i + 1)];
    })),
    render: v.render,
    help: v.help === true,
  };
}
