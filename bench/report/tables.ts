/**
 * The run as tables (header + rows of strings), rendered both as the terminal table and as
 * markdown: latency per mode and connection count (with what each adds over the baseline),
 * resources and throughput per mode, the targets, and the control plane at scale.
 */
import { fixed, mb, pct, ratio, signedUs, thousands, us } from './format.ts';
import { GRPC_LAYER, H2C_LAYER, type ModeName } from '../macro/mode.ts';
import type { BenchResult, ModeResult, RatePoint } from './types.ts';

export interface Table {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

function latencyTable(r: BenchResult): Table {
  const base = r.modes.find((m) => m.mode === 'baseline');
  const rows: string[][] = [];
  for (const c of r.settings.connections) {
    const b = base?.http1.find((p) => p.connections === c);
    for (const m of r.modes) {
      const p = m.http1.find((x) => x.connections === c);
      if (!p) continue;
      const added = (k: 'p50' | 'p90' | 'p99'): string => (b && m.mode !== 'baseline' ? signedUs(p.latencyUs[k] - b.latencyUs[k]) : '');
      rows.push([m.mode, String(c), fixed(p.achievedRps, 0), us(p.latencyUs.p50), us(p.latencyUs.p90), us(p.latencyUs.p99), us(p.latencyUs.max), added('p50'), added('p90'), added('p99'),
        p.pairCpuPer1000 === null ? '' : fixed(p.pairCpuPer1000 / 2, 4), `${p.succeeded}/${p.failed}`]);
    }
  }
  const extra: [(m: ModeResult) => RatePoint | null | undefined, Readonly<Record<ModeName, string>>][] = [[(m) => m.h2c, H2C_LAYER], [(m) => m.grpc, GRPC_LAYER]];
  for (const [pick, layer] of extra) for (const m of r.modes) {
    const p = pick(m);
    const b = base ? pick(base) : undefined;
    if (!p) continue;
    rows.push([`${m.mode} (${layer[m.mode]})`, String(p.connections), fixed(p.achievedRps, 0), us(p.latencyUs.p50), us(p.latencyUs.p90), us(p.latencyUs.p99), us(p.latencyUs.max),
      b && m.mode !== 'baseline' ? signedUs(p.latencyUs.p50 - b.latencyUs.p50) : '', b && m.mode !== 'baseline' ? signedUs(p.latencyUs.p90 - b.latencyUs.p90) : '',
      b && m.mode !== 'baseline' ? signedUs(p.latencyUs.p99 - b.latencyUs.p99) : '', p.pairCpuPer1000 === null ? '' : fixed(p.pairCpuPer1000 / 2, 4), `${p.succeeded}/${p.failed}`]);
  }
  return {
    title: `Latency at a fixed ${r.settings.rps} rps, HTTP/1.1, h2c and gRPC unary, 1 KB (${r.settings.secondsPerPoint} s per point)`,
    header: ['mode', 'conns', 'rps', 'p50', 'p90', 'p99', 'max', '+p50', '+p90', '+p99', 'CPU/sidecar/1000rps', 'ok/failed'],
    rows,
  };
}

function resourcesTable(r: BenchResult): Table {
  const base = r.modes.find((m) => m.mode === 'baseline');
  const side = (m: ModeResult, s: 'client' | 'server', f: 'peakRssAtRateBytes' | 'peakRssBytes'): string => {
    const p = m.proxies.find((x) => x.side === s);
    return p ? mb(p[f]) : '';
  };
  const cpu = (m: ModeResult): string => [...r.settings.connections.map((c) => m.http1.find((p) => p.connections === c)), ...(m.h2c ? [m.h2c] : []), ...(m.grpc ? [m.grpc] : [])]
    .map((p) => fixed((p?.pairCpuPer1000 ?? NaN) / 2, 4)).join(' / ');
  const h2c = `${r.modes.some((m) => m.h2c) ? ' / h2c' : ''}${r.modes.some((m) => m.grpc) ? ' / gRPC' : ''}`;
  return {
    title: 'Resources and throughput per mode',
    header: ['mode', `CPU/sidecar/1000rps (c=${r.settings.connections.join(' / c=')}${h2c})`, 'RSS client', 'RSS server', 'RSS peak (whole run)', `saturation (wrk c=${r.settings.saturationConnections})`, 'vs baseline', 'TCP bulk', 'vs baseline'],
    rows: r.modes.map((m) => [
      m.mode, m.proxies.length > 0 ? cpu(m) : '', side(m, 'client', 'peakRssAtRateBytes'), side(m, 'server', 'peakRssAtRateBytes'),
      m.proxies.length > 0 ? `${side(m, 'client', 'peakRssBytes')} / ${side(m, 'server', 'peakRssBytes')}` : '',
      `${thousands(m.saturation.requestsPerSecond)} req/s`, base ? pct(m.saturation.requestsPerSecond / base.saturation.requestsPerSecond) : '',
      `${m.bulk.gbitsPerSecond.toFixed(2)} Gbit/s`, base ? pct(m.bulk.gbitsPerSecond / base.bulk.gbitsPerSecond) : '',
    ]),
  };
}

/** Mizzen's control plane and what the L7 sidecars recorded: not sidecar figures, shown on their own. */
function othersTable(r: BenchResult): Table | undefined {
  const rows: string[][] = [];
  for (const m of r.modes) {
    if (m.grpcCheck) rows.push([m.mode, 'gRPC check (grpc-js client, before the load)', `${m.grpcCheck.ok}/${m.grpcCheck.calls} calls grpc-status 0`, `answers ${[...new Set(m.grpcCheck.responseBytes)].join(', ')} bytes`]);
    for (const o of m.others ?? []) rows.push([m.mode, o.name, `${fixed(o.cpuSeconds, 2)} s CPU over the whole mode (all points, saturation, bulk)`, `peak RSS ${mb(o.peakRssBytes)}`]);
    const t = m.telemetry;
    if (t) {
      const lines = (s: 'client' | 'server'): string => Object.entries(t.accessLogLines[s]).map(([k, n]) => `${k} ${thousands(n)}`).join(', ');
      rows.push([m.mode, 'access log lines by protocol', `client: ${lines('client')}`, `server: ${lines('server')}`]);
      rows.push([m.mode, 'istio_requests_total', `client (reporter=source): ${thousands(t.requestsTotal.client)}`, `server (reporter=destination): ${thousands(t.requestsTotal.server)}`]);
      if (t.grpcOk) rows.push([m.mode, 'of which grpc_response_status="0"', `client: ${thousands(t.grpcOk.client)}`, `server: ${thousands(t.grpcOk.server)}`]);
    }
  }
  return rows.length > 0 ? { title: 'Not counted as sidecar: the gRPC check, the control plane, and what the L7 sidecars recorded', header: ['mode', 'what', 'value', 'value'], rows } : undefined;
}

function targetsTable(r: BenchResult): Table {
  return {
    title: 'Targets (Mizzen, ratios from this run)',
    header: ['target', 'result', 'measured', 'limit', 'by how much'],
    rows: r.targets.map((t) => [t.name, t.pass ? 'PASS' : 'FAIL', t.measured, t.limit, t.margin]),
  };
}

function controlTable(r: BenchResult): Table | undefined {
  const c = r.controlPlane;
  if (!c) return undefined;
  const gb = (b: number): string => `${(b / 2 ** 30).toFixed(2)} GB`;
  return {
    title: `Control plane at scale: ${c.services} services, ${c.pods} pods, ${c.proxies} proxies (istiod's sizing: 1 vCPU, 1.5 GB for 1000 services and 2000 sidecars)`,
    header: ['measure', 'value'],
    rows: [
      ['full push to all proxies (connect to last ACK of CDS+EDS+LDS+RDS)', `${thousands(c.fullPushMs)} ms`],
      ['control plane CPU for the full push (pinned to one CPU)', `${fixed(c.fullPushCpuSeconds, 2)} s (simulated proxies: ${fixed(c.harnessCpuSeconds, 2)} s on the other CPU)`],
      ['config per proxy', `${c.perProxy.clusters} clusters, ${c.perProxy.endpoints} CLAs, ${c.perProxy.listeners} listeners, ${c.perProxy.routes} route configs, ${(c.perProxy.bytes / 1024).toFixed(0)} KB`],
      ['one endpoint changed: file rename to last EDS ACK', `${thousands(c.endpointChangeMs)} ms (${c.endpointChangeAffected} proxies; debounce ${c.debounceMs.after} ms / max ${c.debounceMs.max} ms)`],
      ['EDS push per proxy for that change', `${(c.endpointChangeBytesPerProxy / 1024).toFixed(0)} KB`],
      ['RSS / heap used, idle (registry loaded)', `${mb(c.memory.idleRssBytes)} / ${mb(c.memory.idleHeapUsedBytes)}`],
      ['RSS / heap used, after the full push', `${mb(c.memory.afterPushRssBytes)} / ${mb(c.memory.afterPushHeapUsedBytes)}`],
      ['peak RSS', `${mb(c.memory.peakRssBytes)} (${ratio(c.memory.peakRssBytes / (1.5 * 2 ** 30))} istiod's 1.5 GB at ${c.proxies} of 2000 proxies)`],
      ['RSS per connected proxy (after push − idle) / proxies', `${mb((c.memory.afterPushRssBytes - c.memory.idleRssBytes) / c.proxies)}; linear to 2000 proxies ≈ ${gb(c.memory.idleRssBytes + ((c.memory.afterPushRssBytes - c.memory.idleRssBytes) / c.proxies) * 2000)}`],
    ],
  };
}

export function tablesOf(r: BenchResult): Table[] {
  const t: Table[] = [];
  if (r.modes.length > 0) t.push(latencyTable(r), resourcesTable(r));
  const o = othersTable(r);
  if (o) t.push(o);
  if (r.targets.length > 0) t.push(targetsTable(r));
  const c = controlTable(r);
  if (c) t.push(c);
  return t;
}
