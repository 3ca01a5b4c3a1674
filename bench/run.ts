/**
 * `npm run bench`: the mesh's cost in one run, side by side with no mesh and a reference proxy
 * (HAProxy in tcp and http mode), on a real two-pod topology in network namespaces; then the
 * control plane at scale. Prints the tables and the targets, and writes JSON, an SVG chart and
 * a markdown snippet (bench/results by default). `--quick` is the test suite's short run;
 * `--profile` profiles the Mizzen sidecars under load instead. Needs root and the Debian tools
 * scripts/setup.sh installs. Everything it creates is removed on exit, failure or Ctrl-C.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cleanupAll, removeDirLater, sweepStale } from './macro/cleanup.ts';
import { measureMode, type DataPathPlan } from './macro/data-path.ts';
import { MODE_LABELS } from './macro/mode.ts';
import { resultsDir } from './macro/paths.ts';
import { planPinning, type Pinning } from './macro/pinning.ts';
import { runProfile } from './macro/profile.ts';
import { runControlPlaneScale } from './micro/control-plane-scale.ts';
import { machineInfo, missingTools } from './report/machine.ts';
import { checkTargets, LIMITS } from './report/targets.ts';
import { tablesOf } from './report/tables.ts';
import { renderText } from './report/terminal.ts';
import type { BenchResult, ControlPlaneResult, ModeResult } from './report/types.ts';
import { writeResults } from './report/write.ts';
import { parseOptions, USAGE, type BenchOptions } from './options.ts';

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const cpuTicks = (): { busy: number; total: number } => {
  const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), total };
};

/** The share of the machine's CPU time that was busy over `ms`, before the run starts (other work shows here). */
async function busyShare(ms: number): Promise<number> {
  const a = cpuTicks();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuTicks();
  return (b.busy - a.busy) / Math.max(1, b.total - a.total);
}

const NOTES = [
  'Mizzen: both sidecars run `mizzen sidecar` (uid/gid 1337), programmed over xDS (PILOT_DISCOVERY_ADDRESS) by `mizzen control` in the node namespace (ADS on the bridge address 10.252.0.1:15010, pinned to the load CPU; its CPU is not in the sidecar figures and is shown on its own). Registry: Service web.bench (ClusterIP 10.97.0.10) with ports `http` 80, `http2` 8081 and `grpc` 50051 (all L7: HTTP connection manager, router, per-host pools; h2c and gRPC are HTTP/2 on both legs, between the sidecars too, per Istio\'s cluster protocol) and `tcp-iperf` 5201 (tcp_proxy). The client calls the ClusterIP and its sidecar picks the endpoint. Telemetry on: the access log to a file per sidecar, istio_requests_total and the HTTP histograms (and Istio\'s TCP metrics for iperf3).',
  'Baseline and HAProxy: the client calls the same ClusterIP; the node namespace DNATs it to the server pod, as kube-proxy does (HAProxy connects to the original destination).',
  'HAProxy runs one thread per sidecar (nbthread 1). In http mode ports 80, 8081 and 50051 are HTTP (h2c and gRPC: the h2 preface detected on the upgraded connection, `proto h2` to the server); iperf3 passes at L4 in every mode. HAProxy has no access log or metrics configured.',
  'gRPC: the server app is @grpc/grpc-js (bench/macro/grpc-app.ts: unary, 1 KB answers, raw bytes, pinned with the other apps; nginx-light has no gRPC module and cannot produce grpc-status trailers; on this kind of machine it uses about 0.15 vCPU at 1000 rps and serves about 4,000 rps closed loop over 4 connections, so it is not the bottleneck, though it answers slower than nginx). Load: h2load h2c POSTs of a framed 1 KB message with content-type application/grpc and te: trailers, 4 connections at the fixed rate. Before the load, a real grpc-js client checks from the client pod that calls through the mode end with grpc-status 0 and 1 KB answers; for Mizzen the sidecars\' istio_requests_total with grpc_response_status="0" counts them too.',
  'h2load paces each connection with its own timer; the timers start together, so at 16 connections requests come in bursts of 16 (visible in the baseline p50). It does not correct coordinated omission.',
];

async function dataPath(o: BenchOptions, runDir: string, pinning: Pinning): Promise<ModeResult[]> {
  const plan: DataPathPlan = {
    secondsPerPoint: o.seconds, warmupSeconds: o.warmupSeconds, connections: o.connections, rps: o.rps,
    saturationConnections: o.saturationConnections, saturationSeconds: o.saturationSeconds, bulkSeconds: o.bulkSeconds, h2c: o.h2c, grpc: o.grpc, pinning,
    mizzen: { nodeFlags: o.sidecarNodeFlags, env: o.sidecarEnv },
  };
  const out: ModeResult[] = [];
  for (const mode of o.modes) {
    log(`\n${mode}: ${MODE_LABELS[mode]}`);
    out.push(await measureMode(mode, runDir, plan, log));
  }
  return out;
}

async function controlPlane(o: BenchOptions, runDir: string, pinning: Pinning): Promise<ControlPlaneResult> {
  log(`\ncontrol plane: ${o.services} services, ${o.pods} pods, ${o.proxies} proxies`);
  const dir = join(runDir, 'control-plane');
  mkdirSync(dir, { recursive: true });
  return runControlPlaneScale({ services: o.services, pods: o.pods, proxies: o.proxies, dir, cpus: pinning.proxies, log });
}

function report(result: BenchResult, outDir: string): void {
  const tables = tablesOf(result);
  log(`\n${renderText(tables)}\n`);
  const w = writeResults(outDir, result, tables);
  log(`wrote ${w.json}, ${w.latestJson}, ${w.svg}, ${w.markdown}`);
}

/** Targets, tables, chart and markdown again from a results JSON (after a change to the report code). */
function render(file: string, outDir: string | undefined): number {
  const r = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
  report({ ...r, targets: checkTargets(r.modes, r.settings.connections) }, outDir ?? dirname(file));
  return 0;
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  if (o.help) {
    log(USAGE);
    return 0;
  }
  if (o.render !== undefined) return render(o.render, o.outDir);
  if (process.getuid?.() !== 0 && (o.dataPath || o.profile)) throw new Error('the data-path benchmark needs root (network namespaces, iptables); run with sudo, or --no-data-path');
  const missing = o.dataPath || o.profile ? missingTools() : [];
  if (missing.length > 0) throw new Error(`missing: ${missing.join(', ')}; run scripts/setup.sh`);
  const pinning = planPinning();
  spawnSync('taskset', ['-a', '-pc', pinning.load, String(process.pid)], { stdio: 'ignore' });
  const stale = sweepStale();
  if (stale.length > 0) log(`removed ${stale.length} namespaces left by an earlier run: ${stale.join(', ')}`);
  const runDir = mkdtempSync(join(tmpdir(), 'mzb-run-'));
  chmodSync(runDir, 0o755);
  removeDirLater(runDir);
  const outDir = o.outDir ?? (o.quick ? join(tmpdir(), 'mizzen-bench-quick') : resultsDir);
  if (o.profile) {
    await runProfile({ seconds: o.seconds, rps: o.rps, connections: o.connections.at(-1) ?? 16, runDir, pinning, outDir, log, nodeFlags: o.sidecarNodeFlags, env: o.sidecarEnv });
    return 0;
  }
  const date = new Date().toISOString();
  const before = await busyShare(2000);
  if (before > 0.1) log(`note: the machine is ${(before * 100).toFixed(0)}% busy before the run; figures will be noisier`);
  const modes = o.dataPath ? await dataPath(o, runDir, pinning) : [];
  const cp = o.controlPlane ? await controlPlane(o, runDir, pinning) : null;
  const result: BenchResult = {
    date, machine: machineInfo(),
    settings: {
      quick: o.quick, secondsPerPoint: o.seconds, connections: o.connections, rps: o.rps, saturationConnections: o.saturationConnections,
      saturationSeconds: o.saturationSeconds, bulkSeconds: o.bulkSeconds, pinning, sidecarNodeFlags: o.sidecarNodeFlags, sidecarEnv: o.sidecarEnv,
      target: `Targets: CPU ≤ ${LIMITS.cpuPerSidecar} vCPU per sidecar per 1000 rps and ≤ ${LIMITS.cpuVsHaproxyHttp}× HAProxy http mode; p90 added ≤ the HAProxy pair's; peak RSS ≤ 40 MB per sidecar; TCP bulk ≥ ${LIMITS.bulkShare * 100}% of baseline.`,
    },
    modes, controlPlane: cp, targets: checkTargets(modes, o.connections), busyBefore: before,
    notes: [
      ...(o.dataPath ? NOTES : []),
      ...(before > 0.1 ? [`Other work was running on the machine (${(before * 100).toFixed(0)}% of its CPU busy just before the run), so these figures are noisier than usual.`] : []),
    ],
  };
  report(result, outDir);
  return 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  cleanupAll();
}
// grpc-js channels or a stray timer must not keep a finished run alive.
setTimeout(() => process.exit(), 500).unref();
