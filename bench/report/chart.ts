/**
 * bench/results/latest.svg: the run at a glance. Top: p50/p90/p99 latency (log scale, max as a
 * tick) per mode at each HTTP/1.1 connection count, then h2c and gRPC unary. Bottom: CPU per sidecar per 1000 rps with the 0.05
 * vCPU target, peak RSS per sidecar with the 40 MB target, and saturation and bulk throughput
 * as a share of the baseline with the 50% bulk floor.
 */
import type { ModeName } from '../macro/mode.ts';
import { LIMITS } from './targets.ts';
import { line, linearAxis, niceMax, rect, svgDocument, text } from './svg.ts';
import type { BenchResult, ModeResult, RatePoint } from './types.ts';

export const MODE_COLORS: Readonly<Record<ModeName, string>> = {
  'baseline': '#8c8c8c', 'mizzen': '#1f77b4', 'haproxy-tcp': '#ff7f0e', 'haproxy-http': '#2ca02c',
};
const W = 1400;
const H = 840;
const PCTS = [['p50', 1], ['p90', 0.65], ['p99', 0.35]] as const;

/** The latency panel's groups: each HTTP/1.1 connection count, then h2c and gRPC when measured. */
function latencyGroups(r: BenchResult): { label: string; pick: (m: ModeResult) => RatePoint | null | undefined }[] {
  const groups = r.settings.connections.map((c) => ({ label: `HTTP/1.1, ${c} connections`, pick: (m: ModeResult) => m.http1.find((q) => q.connections === c) }));
  const h2c = r.modes.find((m) => m.h2c)?.h2c;
  if (h2c) groups.push({ label: `h2c, ${h2c.connections} connections`, pick: (m) => m.h2c ?? undefined });
  const grpc = r.modes.find((m) => m.grpc)?.grpc;
  if (grpc) groups.push({ label: `gRPC unary, ${grpc.connections} connections`, pick: (m) => m.grpc ?? undefined });
  return groups;
}

function latencyPanel(r: BenchResult, x: number, y: number, w: number, h: number): string[] {
  const groups = latencyGroups(r);
  const all = r.modes.flatMap((m) => groups.map((g) => g.pick(m)?.latencyUs.max ?? NaN));
  const top = 10 ** Math.ceil(Math.log10(Math.max(1000, ...all.filter(Number.isFinite))));
  const bottom = 10;
  const scale = (v: number): number => y + h - ((Math.log10(Math.max(bottom, v)) - 1) / (Math.log10(top) - 1)) * h;
  const out = [text(x, y - 14, `Latency at ${r.settings.rps} rps, 1 KB (log scale; bars p50 / p90 / p99, black tick = max)`, { size: 14, weight: 'bold' })];
  for (let v = bottom; v <= top; v *= 10) {
    out.push(line(x, scale(v), x + w, scale(v), '#e0e0e0'), text(x - 6, scale(v) + 4, v >= 1000 ? `${v / 1000} ms` : `${v} µs`, { size: 10, anchor: 'end', fill: '#555' }));
  }
  out.push(line(x, y + h, x + w, y + h, '#888'), line(x, y, x, y + h, '#888'));
  const gw = w / Math.max(1, groups.length);
  groups.forEach((g, gi) => {
    const gx = x + gi * gw;
    const slot = (gw - 20) / Math.max(1, r.modes.length);
    out.push(text(gx + gw / 2, y + h + 38, g.label, { size: 13, anchor: 'middle', weight: 'bold' }));
    if (gi > 0) out.push(line(gx, y, gx, y + h + 40, '#ccc', 'stroke-dasharray="4 3"'));
    r.modes.forEach((m, mi) => {
      const p = g.pick(m);
      const sx = gx + 10 + mi * slot;
      out.push(text(sx + slot / 2, y + h + 16, m.mode, { size: 10, anchor: 'middle', fill: MODE_COLORS[m.mode] }));
      if (!p) return;
      const bw = (slot * 0.82) / 3;
      PCTS.forEach(([k, opacity], i) => {
        const v = p.latencyUs[k];
        const bx = sx + slot * 0.09 + i * bw;
        out.push(rect(bx, scale(v), bw - 2, y + h - scale(v), MODE_COLORS[m.mode], `fill-opacity="${opacity}"`));
        out.push(text(bx + bw / 2 - 1, scale(v) - 3, v >= 10_000 ? `${Math.round(v / 1000)}k` : String(Math.round(v)), { size: 8, anchor: 'middle', fill: '#333' }));
      });
      const mx = scale(p.latencyUs.max);
      out.push(line(sx + slot * 0.15, mx, sx + slot * 0.85, mx, '#000', 'stroke-width="2"'));
    });
  });
  // Percentile legend (µs labels above bars).
  PCTS.forEach(([k, opacity], i) => {
    out.push(rect(x + w - 250 + i * 62, y - 26, 14, 12, '#555', `fill-opacity="${opacity}"`), text(x + w - 232 + i * 62, y - 16, k, { size: 11 }));
  });
  out.push(line(x + w - 64, y - 20, x + w - 48, y - 20, '#000', 'stroke-width="2"'), text(x + w - 44, y - 16, 'max (µs)', { size: 11 }));
  return out;
}

type Bar = { readonly label: string; readonly value: number; readonly color: string; readonly opacity: number };

function barPanel(title: string, groups: { mode: ModeName; bars: Bar[] }[], x: number, y: number, w: number, h: number, opts: { max: number; fmt: (v: number) => string; limit?: { value: number; label: string } }): string[] {
  const ax = linearAxis(x, y, w, h, opts.max, 5, opts.fmt);
  const out = [text(x, y - 14, title, { size: 13, weight: 'bold' }), ...ax.body];
  const gw = w / Math.max(1, groups.length);
  groups.forEach((g, gi) => {
    const gx = x + gi * gw;
    const bw = (gw * 0.8) / Math.max(1, g.bars.length);
    out.push(text(gx + gw / 2, y + h + 16, g.mode, { size: 10, anchor: 'middle', fill: MODE_COLORS[g.mode] }));
    g.bars.forEach((b, bi) => {
      const bx = gx + gw * 0.1 + bi * bw;
      const v = Number.isFinite(b.value) ? b.value : 0;
      out.push(rect(bx, ax.scale(v), bw - 2, y + h - ax.scale(v), b.color, `fill-opacity="${b.opacity}"`));
      out.push(text(bx + bw / 2 - 1, ax.scale(v) - 3, opts.fmt(v), { size: 9, anchor: 'middle' }));
      out.push(text(bx + bw / 2 - 1, y + h + 28, b.label, { size: 9, anchor: 'middle', fill: '#555' }));
    });
  });
  if (opts.limit) {
    const ly = ax.scale(opts.limit.value);
    out.push(line(x, ly, x + w, ly, '#d62728', 'stroke-dasharray="6 4" stroke-width="1.5"'), text(x + w, ly - 4, opts.limit.label, { size: 10, anchor: 'end', fill: '#d62728' }));
  }
  return out;
}

const proxied = (r: BenchResult): ModeResult[] => r.modes.filter((m) => m.proxies.length > 0);

export function renderChart(r: BenchResult): string {
  const body: string[] = [];
  const m = r.machine;
  body.push(text(20, 28, `Mizzen data-path benchmark, ${r.date}${r.settings.quick ? ' (quick run: not meaningful)' : ''}`, { size: 17, weight: 'bold' }));
  body.push(text(20, 48, `${m.cpus} CPUs ${m.cpuModel}, ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB, kernel ${m.kernel}; ${r.settings.secondsPerPoint} s per point; ${r.settings.pinning.note}`, { size: 11, fill: '#555' }));
  body.push(...latencyPanel(r, 80, 100, W - 110, 300));
  const pw = (W - 80 - 3 * 60) / 3;
  const py = 540;
  const ph = 230;
  const cpuGroups = proxied(r).map((mode) => ({
    mode: mode.mode,
    bars: [
      ...mode.http1.map((p, i) => ({ label: `c=${p.connections}`, value: (p.pairCpuPer1000 ?? NaN) / 2, color: MODE_COLORS[mode.mode], opacity: i === 0 ? 1 : 0.6 })),
      ...(mode.h2c ? [{ label: 'h2c', value: (mode.h2c.pairCpuPer1000 ?? NaN) / 2, color: MODE_COLORS[mode.mode], opacity: 0.45 }] : []),
      ...(mode.grpc ? [{ label: 'gRPC', value: (mode.grpc.pairCpuPer1000 ?? NaN) / 2, color: MODE_COLORS[mode.mode], opacity: 0.3 }] : []),
    ],
  }));
  const cpuMax = niceMax(Math.max(LIMITS.cpuPerSidecar * 1.2, ...cpuGroups.flatMap((g) => g.bars.map((b) => b.value)).filter(Number.isFinite)));
  body.push(...barPanel('CPU per sidecar per 1000 rps (vCPU)', cpuGroups, 80, py, pw, ph, { max: cpuMax, fmt: (v) => v.toFixed(3), limit: { value: LIMITS.cpuPerSidecar, label: `target ${LIMITS.cpuPerSidecar}` } }));
  const rssGroups = proxied(r).map((mode) => ({
    mode: mode.mode,
    bars: mode.proxies.map((p, i) => ({ label: p.side, value: p.peakRssAtRateBytes / 2 ** 20, color: MODE_COLORS[mode.mode], opacity: i === 0 ? 1 : 0.6 })),
  }));
  const rssMax = niceMax(Math.max(48, ...rssGroups.flatMap((g) => g.bars.map((b) => b.value)).filter(Number.isFinite)));
  body.push(...barPanel('Peak RSS per sidecar at 1000 rps (MB)', rssGroups, 80 + pw + 60, py, pw, ph, { max: rssMax, fmt: (v) => v.toFixed(0), limit: { value: LIMITS.rssBytes / 2 ** 20, label: 'target 40 MB' } }));
  const base = r.modes.find((x) => x.mode === 'baseline');
  const thrGroups = r.modes.map((mode) => ({
    mode: mode.mode,
    bars: [
      { label: 'wrk', value: base ? (mode.saturation.requestsPerSecond / base.saturation.requestsPerSecond) * 100 : NaN, color: MODE_COLORS[mode.mode], opacity: 1 },
      { label: 'iperf3', value: base ? (mode.bulk.gbitsPerSecond / base.bulk.gbitsPerSecond) * 100 : NaN, color: MODE_COLORS[mode.mode], opacity: 0.6 },
    ],
  }));
  body.push(...barPanel('Saturation and TCP bulk, % of baseline', thrGroups, 80 + 2 * (pw + 60), py, pw, ph, { max: 100, fmt: (v) => v.toFixed(0), limit: { value: LIMITS.bulkShare * 100, label: 'bulk floor 50%' } }));
  return svgDocument(W, H, body);
}
