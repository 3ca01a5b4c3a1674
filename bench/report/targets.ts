/**
 * The issue's targets, checked on every run with figures from the same run: CPU per sidecar
 * per 1000 rps (absolute and against HAProxy's http mode), latency added at p90 against the
 * HAProxy pair (http mode is the like-for-like L7 peer; tcp mode shown too), the same two for
 * h2c and for gRPC unary (HAProxy http mode, which also carries both at L7), peak RSS per sidecar, and TCP bulk
 * throughput against the baseline. Each says PASS or FAIL and by how much.
 */
import type { ModeName } from '../macro/mode.ts';
import { mb, ratio, us } from './format.ts';
import type { ModeResult, RatePoint, TargetCheck } from './types.ts';

export const LIMITS = { cpuPerSidecar: 0.05, cpuVsHaproxyHttp: 1.6, rssBytes: 40 * 2 ** 20, bulkShare: 0.5 } as const;

/** How far a figure is from an upper limit: "0.80× the limit (20% under)". */
function margin(measured: number, limit: number): string {
  const r = measured / limit;
  if (!Number.isFinite(r)) return 'n/a';
  return `${r.toFixed(3)}× the limit (${(Math.abs(r - 1) * 100).toFixed(1)}% ${r <= 1 ? 'under' : 'over'})`;
}

const byMode = (modes: readonly ModeResult[], m: ModeName): ModeResult | undefined => modes.find((x) => x.mode === m);
const at = (m: ModeResult | undefined, c: number): RatePoint | undefined => m?.http1.find((p) => p.connections === c);

export function checkTargets(modes: readonly ModeResult[], connections: readonly number[]): TargetCheck[] {
  const out: TargetCheck[] = [];
  const mizzen = byMode(modes, 'mizzen');
  if (!mizzen) return out;
  const base = byMode(modes, 'baseline');
  const hapTcp = byMode(modes, 'haproxy-tcp');
  const hapHttp = byMode(modes, 'haproxy-http');
  for (const c of connections) {
    const mz = at(mizzen, c);
    const perSidecar = (mz?.pairCpuPer1000 ?? NaN) / 2;
    out.push({ name: `CPU per sidecar per 1000 rps, c=${c}`, pass: perSidecar <= LIMITS.cpuPerSidecar, measured: `${perSidecar.toFixed(4)} vCPU`, limit: `≤ ${LIMITS.cpuPerSidecar} vCPU`, margin: margin(perSidecar, LIMITS.cpuPerSidecar) });
    const hh = at(hapHttp, c)?.pairCpuPer1000;
    if (hh !== undefined && hh !== null) {
      const r = (mz?.pairCpuPer1000 ?? NaN) / hh;
      out.push({ name: `CPU vs HAProxy http mode, c=${c}`, pass: r <= LIMITS.cpuVsHaproxyHttp, measured: `${r.toFixed(3)}×`, limit: `≤ ${LIMITS.cpuVsHaproxyHttp}×`, margin: margin(r, LIMITS.cpuVsHaproxyHttp) });
    }
    const b = at(base, c);
    if (!b || !mz) continue;
    const added = mz.latencyUs.p90 - b.latencyUs.p90;
    for (const [peer, name] of [[hapHttp, 'http'], [hapTcp, 'tcp']] as const) {
      const p = at(peer, c);
      if (!p) continue;
      const peerAdded = p.latencyUs.p90 - b.latencyUs.p90;
      const diff = added - peerAdded;
      out.push({
        name: `p90 added vs HAProxy ${name} mode, c=${c}`, pass: added <= peerAdded, measured: `+${us(added)}`, limit: `≤ +${us(peerAdded)}`,
        margin: `${diff <= 0 ? `${us(-diff)} less` : `${us(diff)} more`} (${ratio(added / peerAdded)} HAProxy's)`,
      });
    }
  }
  for (const [label, pick] of [['h2c', (m: ModeResult | undefined) => m?.h2c], ['gRPC', (m: ModeResult | undefined) => m?.grpc]] as const) {
    const mzP = pick(mizzen);
    const hhP = pick(hapHttp);
    if (!mzP || !hhP || mzP.pairCpuPer1000 === null || hhP.pairCpuPer1000 === null) continue;
    const perSidecar = mzP.pairCpuPer1000 / 2;
    out.push({ name: `CPU per sidecar per 1000 rps, ${label} c=${mzP.connections}`, pass: perSidecar <= LIMITS.cpuPerSidecar, measured: `${perSidecar.toFixed(4)} vCPU`, limit: `≤ ${LIMITS.cpuPerSidecar} vCPU`, margin: margin(perSidecar, LIMITS.cpuPerSidecar) });
    const r = mzP.pairCpuPer1000 / hhP.pairCpuPer1000;
    out.push({ name: `CPU vs HAProxy http mode, ${label} c=${mzP.connections}`, pass: r <= LIMITS.cpuVsHaproxyHttp, measured: `${r.toFixed(3)}×`, limit: `≤ ${LIMITS.cpuVsHaproxyHttp}×`, margin: margin(r, LIMITS.cpuVsHaproxyHttp) });
    const b = pick(base);
    if (b) {
      const added = mzP.latencyUs.p90 - b.latencyUs.p90;
      const peerAdded = hhP.latencyUs.p90 - b.latencyUs.p90;
      const diff = added - peerAdded;
      out.push({
        name: `p90 added vs HAProxy http mode, ${label} c=${mzP.connections}`, pass: added <= peerAdded, measured: `+${us(added)}`, limit: `≤ +${us(peerAdded)}`,
        margin: `${diff <= 0 ? `${us(-diff)} less` : `${us(diff)} more`} (${ratio(added / peerAdded)} HAProxy's)`,
      });
    }
  }
  const worstRss = Math.max(...mizzen.proxies.map((p) => p.peakRssAtRateBytes));
  const worstAll = Math.max(...mizzen.proxies.map((p) => p.peakRssBytes));
  const hapRss = hapHttp && hapHttp.proxies.length > 0 ? ` (HAProxy http mode ${mb(Math.max(...hapHttp.proxies.map((p) => p.peakRssAtRateBytes)))})` : '';
  out.push({ name: 'peak RSS per sidecar at 1000 rps', pass: worstRss <= LIMITS.rssBytes, measured: `${mb(worstRss)} (whole run ${mb(worstAll)})`, limit: `≤ ${mb(LIMITS.rssBytes)}`, margin: `${margin(worstRss, LIMITS.rssBytes)}${hapRss}` });
  if (base) {
    const share = mizzen.bulk.gbitsPerSecond / base.bulk.gbitsPerSecond;
    const peers = ([[hapTcp, 'tcp'], [hapHttp, 'http']] as const).filter(([p]) => p).map(([p, n]) => `HAProxy ${n} mode ${((p?.bulk.gbitsPerSecond ?? NaN) / base.bulk.gbitsPerSecond * 100).toFixed(0)}%`);
    out.push({ name: 'TCP bulk through the pair vs baseline', pass: share >= LIMITS.bulkShare, measured: `${(share * 100).toFixed(0)}%`, limit: `≥ ${LIMITS.bulkShare * 100}%`, margin: `${ratio(share / LIMITS.bulkShare)} the floor${peers.length > 0 ? ` (${peers.join(', ')})` : ''}` });
  }
  return out;
}
