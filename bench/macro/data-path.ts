/**
 * One mode, measured on a fresh topology: server apps up, the mode's proxies up, one checked
 * request, a warm-up, then HTTP/1.1 at the fixed rate for each connection count (latency from
 * h2load, the proxies' CPU from /proc around each point), h2c at the fixed rate, gRPC unary at
 * the fixed rate (after a real gRPC client's check that calls succeed), saturation
 * (wrk), TCP bulk (iperf3), and each proxy's peak RSS; the mode's other processes (Mizzen's
 * control plane) are measured on their own, and the L7 sidecars' telemetry is counted; then
 * everything is torn down.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModeResult, OtherProcessUsage, ProxyUsage, RatePoint } from '../report/types.ts';
import { runBulk } from './bulk.ts';
import { runSaturation } from './closed-loop.ts';
import { GRPC_MESSAGE_BYTES, GRPC_PATH, grpcFrame, type GrpcCheck } from './grpc-app.ts';
import { runAtRate, type RateResult } from './h2load.ts';
import { startHaproxy } from './haproxy.ts';
import { MODE_LABELS, NO_PROXIES, type ModeContext, type ModeName, type ProxySet } from './mode.ts';
import { startMizzen, type MizzenOptions } from './mizzen.ts';
import type { Pinning } from './pinning.ts';
import { CpuMeter, memory } from './proc.ts';
import { repoRoot } from './paths.ts';
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
  readonly grpc: boolean;
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

/** A few unary calls with the real grpc-js client from the client pod; throws unless all succeeded with 1 KB answers. */
function checkGrpc(ctx: ModeContext, mode: ModeName): GrpcCheck {
  const r = ctx.topo.client.tryExec([process.execPath, join(repoRoot, 'bench', 'macro', 'grpc-app.ts'), 'check', `${ctx.topo.clusterIp}:${PORTS.grpc}`], { cpus: ctx.loadCpus, uid: APP_UID });
  let c: GrpcCheck | undefined;
  try {
    c = JSON.parse(r.stdout) as GrpcCheck;
  } catch {
    // reported below
  }
  if (!c || c.ok !== c.calls || c.responseBytes.some((b) => b !== GRPC_MESSAGE_BYTES)) throw new Error(`${mode}: gRPC calls from the client pod did not all succeed: ${r.stdout.trim()} ${r.stderr.trim()}`);
  return c;
}

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
    const grpcBody = join(dir, 'grpc-request.bin');
    writeFileSync(grpcBody, grpcFrame(Buffer.alloc(GRPC_MESSAGE_BYTES, 'q')));
    const urls = { h1: url, h2c: `http://${topo.clusterIp}:${PORTS.h2c}${PATH_1K}`, grpc: `http://${topo.clusterIp}:${PORTS.grpc}${GRPC_PATH}` };
    const rate = async (connections: number, seconds: number, kind: 'h1' | 'h2c' | 'grpc', tag: string): Promise<{ r: RateResult; cpu: Map<number, number> }> => {
      const meter = new CpuMeter(pids);
      const r = await runAtRate(topo.client, {
        url: urls[kind], connections, totalRps: plan.rps, seconds, h1: kind === 'h1', ...(kind === 'grpc' ? { grpcBody } : {}),
        logFile: join(dir, `h2load-${tag}.log`), cpus: plan.pinning.load, uid: APP_UID,
      });
      return { r, cpu: meter.read() };
    };
    const point = (x: { r: RateResult; cpu: Map<number, number> }): RatePoint => ({
      ...x.r, pairCpuPer1000: pids.length > 0 ? [...x.cpu.values()].reduce((a, b) => a + b, 0) / (x.r.succeeded / 1000) : null,
    });
    log(`  warm-up ${plan.warmupSeconds}s`);
    await rate(plan.connections[0] ?? 4, plan.warmupSeconds, 'h1', 'warmup');
    const perProxyCpu = new Map<number, Record<string, number>>(pids.map((p) => [p, {}]));
    const http1: RatePoint[] = [];
    for (const c of plan.connections) {
      const x = await rate(c, plan.secondsPerPoint, 'h1', `h1-c${c}`);
      for (const [pid, s] of x.cpu) (perProxyCpu.get(pid) ?? {})[`c${c}`] = s / (x.r.succeeded / 1000);
      const p = point(x);
      http1.push(p);
      log(`  HTTP/1.1 ${plan.rps} rps c=${c}: p50 ${p.latencyUs.p50} p90 ${p.latencyUs.p90} p99 ${p.latencyUs.p99} max ${p.latencyUs.max} µs, ${p.succeeded} ok, ${p.failed} failed${p.pairCpuPer1000 !== null ? `, pair CPU ${p.pairCpuPer1000.toFixed(4)} s/1000 req` : ''}`);
    }
    const hwmAtRate = new Map(pids.map((p) => [p, memory(p).hwmBytes]));
    let h2c: RatePoint | null = null;
    if (plan.h2c) {
      const x = await rate(plan.connections[0] ?? 4, plan.secondsPerPoint, 'h2c', 'h2c');
      for (const [pid, s] of x.cpu) (perProxyCpu.get(pid) ?? {})['h2c'] = s / (x.r.succeeded / 1000);
      h2c = point(x);
      log(`  h2c ${plan.rps} rps c=${h2c.connections}: p50 ${h2c.latencyUs.p50} p90 ${h2c.latencyUs.p90} p99 ${h2c.latencyUs.p99} µs`);
    }
    let grpc: RatePoint | null = null;
    let grpcCheck: GrpcCheck | undefined;
    if (plan.grpc) {
      grpcCheck = checkGrpc(ctx, mode);
      const x = await rate(plan.connections[0] ?? 4, plan.secondsPerPoint, 'grpc', 'grpc');
      for (const [pid, s] of x.cpu) (perProxyCpu.get(pid) ?? {})['grpc'] = s / (x.r.succeeded / 1000);
      grpc = point(x);
      log(`  gRPC unary ${plan.rps} rps c=${grpc.connections}: p50 ${grpc.latencyUs.p50} p90 ${grpc.latencyUs.p90} p99 ${grpc.latencyUs.p99} µs, ${grpc.succeeded} ok, ${grpc.failed} failed`);
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
    if (telemetry) log(`  access log lines (client): ${JSON.stringify(telemetry.accessLogLines.client)}; istio_requests_total client ${telemetry.requestsTotal.client}, server ${telemetry.requestsTotal.server}; grpc_response_status="0" client ${telemetry.grpcOk?.client}, server ${telemetry.grpcOk?.server}`);
    return { mode, label: MODE_LABELS[mode], http1, h2c, grpc, ...(grpcCheck ? { grpcCheck } : {}), saturation, bulk, proxies: usage, ...(otherUsage.length > 0 ? { others: otherUsage } : {}), ...(telemetry ? { telemetry } : {}) };
  }, plan.mizzen);
}
