/**
 * One mode, measured on a fresh topology: server apps up, the mode's proxies up, one checked
 * request, a warm-up, then HTTP/1.1 at the fixed rate for each connection count (latency from
 * h2load, the proxies' CPU from /proc around each point), h2c at the fixed rate, saturation
 * (wrk), TCP bulk (iperf3), and each proxy's peak RSS; the mode's other processes (Mizzen's
 * control plane) are measured on their own, and the L7 sidecars' telemetry is counted; then
 * everything is torn down.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ModeResult, OtherProcessUsage, ProxyUsage, RatePoint } from '../report/types.ts';
import { runBulk } from './bulk.ts';
import { runSaturation } from './closed-loop.ts';
import { runAtRate, type RateResult } from './h2load.ts';
import { startHaproxy } from './haproxy.ts';
import { MODE_LABELS, NO_PROXIES, type ModeContext, type ModeName, type ProxySet } from './mode.ts';
import { startMizzen, type MizzenOptions } from './mizzen.ts';
import type { Pinning } from './pinning.ts';
import { CpuMeter, memory } from './proc.ts';
import { PATH_1K, startServerApps } from './server-app.ts';
import { buildTopology, PORTS } from './topology.ts';

export interface DataPathPlan {
  readonly secondsPerPoint: number;
  readonly warmupSeconds: number;
  readonly connections: readonly number[];
  readonly rps: number;
  readonly saturationConnections: number;
  readonly saturationSeconds: number;
  readonly bulkSeconds: number;
  readonly h2c: boolean;
  readonly pinning: Pinning;
  readonly mizzen?: MizzenOptions;
}

const APP_UID = 1000;

export function startMode(mode: ModeName, ctx: ModeContext, mizzen: MizzenOptions = {}): Promise<ProxySet> {
  switch (mode) {
    case 'baseline': return Promise.resolve(NO_PROXIES);
    case 'mizzen': return startMizzen(ctx, mizzen);
    case 'haproxy-tcp': return startHaproxy(ctx, 'tcp');
    case 'haproxy-http': return startHaproxy(ctx, 'http');
  }
}

type Log = (line: string) => void;

/** Brings up a topology with the mode and its apps; `body` runs against it; all is torn down after. */
export async function withMode<T>(mode: ModeName, runDir: string, pinning: Pinning, body: (ctx: ModeContext, proxies: ProxySet) => Promise<T>, mizzen: MizzenOptions = {}): Promise<T> {
  const dir = join(runDir, mode);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o777);
  const topo = buildTopology();
  try {
    const apps = await startServerApps(topo.server, dir, pinning.load);
    const ctx: ModeContext = { topo, dir, proxyCpus: pinning.proxies, loadCpus: pinning.load };
    const proxies = await startMode(mode, ctx, mizzen);
    try {
      const check = topo.client.tryExec(['curl', '-sS', '--max-time', '5', '-o', '/dev/null', '-w', '%{http_code}', `http://${topo.clusterIp}${PATH_1K}`], { uid: APP_UID });
      if (check.stdout !== '200') throw new Error(`${mode}: a request from the client pod got ${check.stdout || 'no answer'}: ${check.stderr.trim()}`);
      return await body(ctx, proxies);
    } finally {
      await proxies.stop();
      await apps.stop();
    }
  } finally {
    topo.destroy();
  }
}

export async function measureMode(mode: ModeName, runDir: string, plan: DataPathPlan, log: Log): Promise<ModeResult> {
  return withMode(mode, runDir, plan.pinning, async (ctx, proxies) => {
    const { topo, dir } = ctx;
    const url = `http://${topo.clusterIp}${PATH_1K}`;
    const pids = proxies.proxies.map((p) => p.pid);
    const others = proxies.others ?? [];
    const othersCpu = new CpuMeter(others.map((o) => o.pid));
    const rate = async (connections: number, seconds: number, h1: boolean, tag: string): Promise<{ r: RateResult; cpu: Map<number, number> }> => {
      const meter = new CpuMeter(pids);
      const r = await runAtRate(topo.client, {
        url: h1 ? url : `http://${topo.clusterIp}:${PORTS.h2c}${PATH_1K}`, connections, totalRps: plan.rps, seconds, h1,
        logFile: join(dir, `h2load-${tag}.log`), cpus: plan.pinning.load, uid: APP_UID,
      });
      return { r, cpu: meter.read() };
    };
    const point = (x: { r: RateResult; cpu: Map<number, number> }): RatePoint => ({
      ...x.r, pairCpuPer1000: pids.length > 0 ? [...x.cpu.values()].reduce((a, b) => a + b, 0) / (x.r.succeeded / 1000) : null,
    });
    log(`  warm-up ${plan.warmupSeconds}s`);
    await rate(plan.connections[0] ?? 4, plan.warmupSeconds, true, 'warmup');
    const perProxyCpu = new Map<number, Record<string, number>>(pids.map((p) => [p, {}]));
    const http1: RatePoint[] = [];
    for (const c of plan.connections) {
      const x = await rate(c, plan.secondsPerPoint, true, `h1-c${c}`);
      for (const [pid, s] of x.cpu) (perProxyCpu.get(pid) ?? {})[`c${c}`] = s / (x.r.succeeded / 1000);
      const p = point(x);
      http1.push(p);
      log(`  HTTP/1.1 ${plan.rps} rps c=${c}: p50 ${p.latencyUs.p50} p90 ${p.latencyUs.p90} p99 ${p.latencyUs.p99} max ${p.latencyUs.max} µs, ${p.succeeded} ok, ${p.failed} failed${p.pairCpuPer1000 !== null ? `, pair CPU ${p.pairCpuPer1000.toFixed(4)} s/1000 req` : ''}`);
    }
    const hwmAtRate = new Map(pids.map((p) => [p, memory(p).hwmBytes]));
    let h2c: RatePoint | null = null;
    if (plan.h2c) {
      const x = await rate(plan.connections[0] ?? 4, plan.secondsPerPoint, false, 'h2c');
      for (const [pid, s] of x.cpu) (perProxyCpu.get(pid) ?? {})['h2c'] = s / (x.r.succeeded / 1000);
      h2c = point(x);
      log(`  h2c ${plan.rps} rps c=${h2c.connections}: p50 ${h2c.latencyUs.p50} p90 ${h2c.latencyUs.p90} p99 ${h2c.latencyUs.p99} µs`);
    }
    const saturation = await runSaturation(topo.client, url, plan.saturationConnections, plan.saturationSeconds, plan.pinning.load, APP_UID);
    log(`  saturation c=${saturation.connections}: ${saturation.requestsPerSecond.toFixed(0)} req/s (${saturation.errors} errors)`);
    const bulk = await runBulk(topo.client, topo.clusterIp, PORTS.iperf, plan.bulkSeconds, plan.pinning.load, APP_UID);
    log(`  bulk TCP: ${bulk.gbitsPerSecond.toFixed(2)} Gbit/s`);
    const usage: ProxyUsage[] = proxies.proxies.map((p) => ({
      side: p.side, cpuPer1000: perProxyCpu.get(p.pid) ?? {}, peakRssAtRateBytes: hwmAtRate.get(p.pid) ?? NaN, peakRssBytes: memory(p.pid).hwmBytes,
    }));
    const otherCpu = othersCpu.read();
    const otherUsage: OtherProcessUsage[] = others.map((o) => ({ name: o.name, cpuSeconds: otherCpu.get(o.pid) ?? NaN, peakRssBytes: memory(o.pid).hwmBytes }));
    const telemetry = proxies.telemetry?.();
    if (telemetry) log(`  access log lines (client): ${JSON.stringify(telemetry.accessLogLines.client)}; istio_requests_total client ${telemetry.requestsTotal.client}, server ${telemetry.requestsTotal.server}`);
    return { mode, label: MODE_LABELS[mode], http1, h2c, saturation, bulk, proxies: usage, ...(otherUsage.length > 0 ? { others: otherUsage } : {}), ...(telemetry ? { telemetry } : {}) };
  }, plan.mizzen);
}
