/**
 * The control plane under test, alone in its own process (so its heap and RSS are its own):
 * startControlPlane on a registry.json with Istio's default debounce (100 ms, at most 1 s),
 * ADS and debug on free loopback ports. It tells its parent the ports over IPC, answers
 * "stats" with its memory and CPU time, and exits on "stop".
 */
import { readFileSync } from 'node:fs';
import { controlOptions } from '../../src/control/bootstrap/options.ts';
import { startControlPlane } from '../../src/control/bootstrap/server.ts';

export interface ChildStats {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly peakRssBytes: number;
  readonly cpuSeconds: number;
}

export type ChildMessage = { readonly type: 'ready'; readonly xdsPort: number; readonly debugPort: number } | ({ readonly type: 'stats' } & ChildStats);

function stats(): ChildStats {
  const m = process.memoryUsage();
  const hwm = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) * 1024;
  const cpu = process.cpuUsage();
  return { rssBytes: m.rss, heapUsedBytes: m.heapUsed, peakRssBytes: hwm, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

const send = (m: ChildMessage): void => void process.send?.(m);

const registry = process.argv[2];
if (!registry) throw new Error('usage: control-plane-child.ts REGISTRY_JSON');
const cp = await startControlPlane(controlOptions({
  registry, xdsAddress: '127.0.0.1', xdsPort: 0, debugAddress: '127.0.0.1', debugPort: 0, instanceId: 'istiod-bench',
}));
process.on('message', (m: unknown) => {
  if (m === 'stats') send({ type: 'stats', ...stats() });
  if (m === 'stop') void cp.close(200).then(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', xdsPort: cp.xdsPort, debugPort: cp.debugPort });
