/**
 * The control plane at scale (issue 4): a synthetic registry (default 1000 services, 2000
 * pods), startControlPlane in its own process pinned to one CPU, and N simulated sidecars (each
 * a pod of the registry, so in different namespaces, each on its own ADS connection) in this
 * process. Measured: the time and CPU for a full config push to all of them (connect until every
 * proxy has ACKed CDS, EDS, LDS and RDS), the control plane's heap and RSS, and the time for a
 * one-endpoint change (registry.json rewritten until every affected proxy has ACKed the EDS push).
 */
import { spawn } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TypeUrls } from '../../src/core/xds/type-urls.ts';
import { onCleanup } from '../macro/cleanup.ts';
import type { ControlPlaneResult } from '../report/types.ts';
import { AdsProxy, sidecarNode } from './ads-proxy.ts';
import type { ChildMessage, ChildStats } from './control-plane-child.ts';
import { syntheticPods, syntheticRegistry } from './synthetic-registry.ts';

export interface ScalePlan {
  readonly services: number;
  readonly pods: number;
  readonly proxies: number;
  readonly dir: string;
  /** taskset -c for the control plane (its "vCPU"). */
  readonly cpus: string;
  readonly log: (line: string) => void;
}

const childPath = join(import.meta.dirname, 'control-plane-child.ts');
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class Child {
  private readonly waiters: ((m: ChildMessage) => void)[] = [];
  readonly ports: Promise<{ xdsPort: number; debugPort: number }>;
  readonly stop: () => void;

  constructor(registry: string, cpus: string) {
    const child = spawn('taskset', ['-c', cpus, process.execPath, childPath, registry], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.stop = onCleanup('control plane process', () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('message', (m: ChildMessage) => this.waiters.shift()?.(m));
    this.ports = new Promise((resolve, reject) => {
      this.waiters.push((m) => (m.type === 'ready' ? resolve(m) : reject(new Error('control plane: unexpected first message'))));
      child.on('exit', (code) => reject(new Error(`control plane exited with ${code}`)));
    });
    this.send = (m) => child.send(m);
  }

  private readonly send: (m: string) => void;

  stats(): Promise<ChildStats> {
    return new Promise((resolve) => {
      this.waiters.push((m) => resolve(m as ChildStats));
      this.send('stats');
    });
  }
}

export async function runControlPlaneScale(plan: ScalePlan): Promise<ControlPlaneResult> {
  const registryPath = join(plan.dir, 'registry.json');
  const doc = syntheticRegistry(plan.services, plan.pods);
  writeFileSync(registryPath, JSON.stringify(doc));
  const child = new Child(registryPath, plan.cpus);
  const proxies: AdsProxy[] = [];
  try {
    const { xdsPort } = await child.ports;
    await settle(500);
    const idle = await child.stats();
    plan.log(`  control plane up: ${plan.services} services, ${plan.pods} pods; RSS ${(idle.rssBytes / 2 ** 20).toFixed(0)} MB`);
    const pods = syntheticPods(plan.services, plan.pods);
    const step = Math.max(1, Math.floor(plan.pods / plan.proxies));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < plan.proxies; i++) {
      const p = pods[(i * step) % pods.length];
      if (!p) continue;
      proxies.push(new AdsProxy(xdsPort, sidecarNode(p.pod, p.namespace, p.ip, { app: p.app, version: 'v1' })));
    }
    const ok = await Promise.all(proxies.map((p) => p.waitFor(() => p.synced(), 300_000)));
    if (ok.some((x) => !x)) throw new Error(`full push: ${ok.filter((x) => !x).length} of ${proxies.length} proxies not synced (${proxies.find((p) => p.error)?.error ?? 'timeout'})`);
    const fullPushMs = Math.max(...proxies.map((p) => Math.max(...p.firstAck.values()))) - t0;
    const harness = process.cpuUsage(cpu0);
    const afterPush = await child.stats();
    plan.log(`  full push to ${proxies.length} proxies: ${fullPushMs.toFixed(0)} ms, ${(afterPush.cpuSeconds - idle.cpuSeconds).toFixed(2)} CPU s`);
    const first = proxies[0];
    const firstOf = (t: string): { resources: number; bytes: number } => first?.received.find((r) => r.typeUrl === t) ?? { resources: 0, bytes: 0 };
    const perProxy = {
      clusters: firstOf(TypeUrls.cluster).resources, endpoints: firstOf(TypeUrls.clusterLoadAssignment).resources,
      listeners: firstOf(TypeUrls.listener).resources, routes: firstOf(TypeUrls.routeConfiguration).resources,
      bytes: [TypeUrls.cluster, TypeUrls.clusterLoadAssignment, TypeUrls.listener, TypeUrls.routeConfiguration].reduce((n, t) => n + firstOf(t).bytes, 0),
    };

    // One endpoint turns not ready: registry.json replaced by rename, as the runtime does.
    await settle(1500);
    const marks = proxies.map((p) => p.received.length);
    const edsAfter = (p: AdsProxy, i: number): number | undefined => p.received.slice(marks[i]).find((r) => r.typeUrl === TypeUrls.clusterLoadAssignment)?.at;
    const ep = doc.endpoints[0];
    if (ep) ep.ready = false;
    doc.version++;
    const t1 = performance.now();
    writeFileSync(`${registryPath}.tmp`, JSON.stringify(doc));
    renameSync(`${registryPath}.tmp`, registryPath);
    await Promise.all(proxies.map((p, i) => p.waitFor(() => edsAfter(p, i) !== undefined, 30_000)));
    const times = proxies.map((p, i) => edsAfter(p, i)).filter((t): t is number => t !== undefined);
    const endpointChangeMs = times.length > 0 ? Math.max(...times) - t1 : NaN;
    const edsBytes = proxies[0]?.received.slice(marks[0]).find((r) => r.typeUrl === TypeUrls.clusterLoadAssignment)?.bytes ?? 0;
    plan.log(`  one endpoint changed: ${times.length} proxies ACKed the EDS push within ${endpointChangeMs.toFixed(0)} ms`);
    const end = await child.stats();
    return {
      services: plan.services, pods: plan.pods, proxies: proxies.length, debounceMs: { after: 100, max: 1000 },
      fullPushMs, fullPushCpuSeconds: afterPush.cpuSeconds - idle.cpuSeconds, harnessCpuSeconds: (harness.user + harness.system) / 1e6, perProxy,
      endpointChangeMs, endpointChangeAffected: times.length, endpointChangeBytesPerProxy: edsBytes,
      memory: {
        idleRssBytes: idle.rssBytes, idleHeapUsedBytes: idle.heapUsedBytes, afterPushRssBytes: afterPush.rssBytes,
        afterPushHeapUsedBytes: afterPush.heapUsedBytes, peakRssBytes: end.peakRssBytes,
      },
    };
  } finally {
    for (const p of proxies) p.close();
    child.stop();
  }
}
