/**
 * Whether `mizzen up` is done with a pod: ready (or Succeeded) is done; Failed, a container
 * that could not start, or one that crashed three times is a failure with the reason; anything
 * else is still pending, with the best reason known (a probe failure, the state it waits in).
 */
import type { ContainerStatusJson, PodJson } from './kube-json.ts';
import { statusColumn } from './pod-status.ts';

export const CRASH_LIMIT = 3;

export type Verdict = { readonly state: 'ready' | 'pending' | 'failed'; readonly reason: string; readonly container?: string };

function describe(c: ContainerStatusJson): string {
  const t = c.state.terminated ?? c.lastState.terminated;
  const exit = t ? `${t.reason}, exit code ${t.exitCode}${t.message ? `: ${t.message}` : ''}` : '';
  const parts = [c.state.waiting?.reason, exit, c.restartCount > 0 ? `${c.restartCount} restarts` : '', c.lastMessage && !exit.includes(c.lastMessage) ? c.lastMessage : '']
    .filter((s): s is string => s !== undefined && s !== '');
  return `container ${c.name}: ${parts.join('; ') || 'not ready'}`;
}

export function judgePod(p: PodJson): Verdict {
  const s = p.status;
  if (s.phase === 'Succeeded') return { state: 'ready', reason: 'Completed' };
  if (s.conditions.some((c) => c.type === 'Ready' && c.status === 'True')) return { state: 'ready', reason: 'Running' };
  const all = [...(s.initContainerStatuses ?? []), ...s.containerStatuses];
  const broken = all.find((c) => c.state.terminated?.reason === 'StartError' || c.lastState.terminated?.reason === 'StartError');
  if (broken) return { state: 'failed', reason: describe(broken), container: broken.name };
  if (s.phase === 'Failed') {
    const bad = all.find((c) => (c.state.terminated?.exitCode ?? 0) !== 0);
    return { state: 'failed', reason: `${s.reason ?? statusColumn(p)}${s.message ? `: ${s.message}` : ''}${bad ? `; ${describe(bad)}` : ''}`, ...(bad ? { container: bad.name } : {}) };
  }
  const crashing = all.find((c) => c.restartCount >= CRASH_LIMIT && !c.ready);
  if (crashing) return { state: 'failed', reason: `CrashLoopBackOff: ${describe(crashing)}`, container: crashing.name };
  const waiting = all.find((c) => !c.ready && !(c.state.terminated?.exitCode === 0));
  return { state: 'pending', reason: waiting ? `${statusColumn(p)}; ${describe(waiting)}` : statusColumn(p) };
}
