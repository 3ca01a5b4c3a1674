/**
 * One probe attempt, as the kubelet makes it. httpGet and tcpSocket probes come from the node
 * (they run inside the node namespace and reach the pod's address over the bridge, so with a
 * sidecar they meet the pod's capture rules as the kubelet's would); exec probes run inside the
 * pod as the container's user with its environment. httpGet succeeds on 200-399.
 */
import type { Probe } from '../model/objects.ts';
import { toolPath } from './commands.ts';
import { timedRun } from './timed-run.ts';

export interface ProbeTarget {
  readonly nodeNetns: string;
  readonly podNetns: string;
  readonly podIP: string;
  readonly uid: number;
  readonly gid: number;
  readonly env: Readonly<Record<string, string>>;
  readonly workingDir: string;
  /** Named ports resolved against the container's ports. */
  resolvePort(port: number | string): number;
}

export interface ProbeResult {
  readonly ok: boolean;
  readonly message: string;
}

const KUBE_PROBE_AGENT = 'kube-probe/1.31';

export async function httpCheck(netns: string, url: string, timeoutSeconds: number, headers: readonly { name: string; value: string }[] = []): Promise<ProbeResult> {
  const argv = [toolPath('ip'), 'netns', 'exec', netns, toolPath('curl'), '-sS', '-k', '-o', '/dev/null', '-w', '%{http_code}',
    '--max-time', String(timeoutSeconds), '-A', KUBE_PROBE_AGENT, ...headers.flatMap((h) => ['-H', `${h.name}: ${h.value}`]), url];
  const r = await timedRun(argv, timeoutSeconds * 1000 + 2000);
  const status = Number(r.stdout.trim());
  if (status >= 200 && status < 400) return { ok: true, message: '' };
  if (status > 0) return { ok: false, message: `HTTP probe failed with statuscode: ${status}` };
  const why = r.timedOut || r.code === 28 ? 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)' : r.stderr.trim().replace(/^curl: \(\d+\) /, '');
  return { ok: false, message: `Get "${url}": ${why}` };
}

async function tcpCheck(netns: string, host: string, port: number, timeoutSeconds: number): Promise<ProbeResult> {
  const argv = [toolPath('ip'), 'netns', 'exec', netns, toolPath('timeout'), String(timeoutSeconds), toolPath('bash'), '-c', `exec 3<>/dev/tcp/${host}/${port}`];
  const r = await timedRun(argv, timeoutSeconds * 1000 + 2000);
  if (r.code === 0) return { ok: true, message: '' };
  const why = r.code === 124 ? 'i/o timeout' : 'connect: connection refused';
  return { ok: false, message: `dial tcp ${host}:${port}: ${why}` };
}

async function execCheck(t: ProbeTarget, command: readonly string[], timeoutSeconds: number): Promise<ProbeResult> {
  const argv = [toolPath('ip'), 'netns', 'exec', t.podNetns, toolPath('setpriv'), `--reuid=${t.uid}`, `--regid=${t.gid}`, '--clear-groups', '--', ...command];
  const r = await timedRun(argv, timeoutSeconds * 1000, { env: { ...t.env }, cwd: t.workingDir });
  if (r.code === 0) return { ok: true, message: '' };
  if (r.timedOut) return { ok: false, message: `command timed out after ${timeoutSeconds}s` };
  const out = `${r.stdout}${r.stderr}`.trim().split('\n').slice(-3).join(' ');
  return { ok: false, message: `command ${JSON.stringify(command.join(' '))} exited with ${r.code}${out ? `: ${out}` : ''}` };
}

export function runProbe(probe: Probe, t: ProbeTarget): Promise<ProbeResult> {
  if (probe.httpGet) {
    const h = probe.httpGet;
    const path = h.path.startsWith('/') ? h.path : `/${h.path}`;
    const url = `${h.scheme.toLowerCase()}://${h.host ?? t.podIP}:${t.resolvePort(h.port)}${path}`;
    return httpCheck(t.nodeNetns, url, probe.timeoutSeconds, h.httpHeaders);
  }
  if (probe.tcpSocket) return tcpCheck(t.nodeNetns, probe.tcpSocket.host ?? t.podIP, t.resolvePort(probe.tcpSocket.port), probe.timeoutSeconds);
  if (probe.exec) return execCheck(t, probe.exec.command, probe.timeoutSeconds);
  return Promise.resolve({ ok: false, message: 'probe has no handler' });
}
