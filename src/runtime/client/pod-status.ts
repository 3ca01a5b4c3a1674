/**
 * kubectl's READY, STATUS and RESTARTS columns, computed from a pod's status as kubectl's
 * printer does: Init:N/M or Init:<reason> while initializing, else the last container's
 * waiting or terminated reason, "Completed" only when nothing runs, Terminating when deleted.
 */
import type { ContainerStatusJson, PodJson } from './kube-json.ts';

export function readyColumn(p: PodJson): string {
  const all = p.status.containerStatuses;
  return `${all.filter((c) => c.ready).length}/${p.spec.containers.length}`;
}

function terminatedReason(t: NonNullable<ContainerStatusJson['state']['terminated']>, prefix = ''): string {
  if (t.reason) return `${prefix}${t.reason}`;
  return t.signal ? `${prefix}Signal:${t.signal}` : `${prefix}ExitCode:${t.exitCode}`;
}

export function statusColumn(p: PodJson): string {
  let reason = p.status.reason ?? p.status.phase;
  const inits = p.status.initContainerStatuses ?? [];
  let initializing = false;
  for (const [i, c] of inits.entries()) {
    const t = c.state.terminated;
    if (t && t.exitCode === 0) continue;
    initializing = true;
    if (t) reason = terminatedReason(t, 'Init:');
    else if (c.state.waiting && c.state.waiting.reason !== 'PodInitializing' && c.state.waiting.reason !== 'ContainerCreating') reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${inits.length}`;
    break;
  }
  if (!initializing) {
    let hasRunning = false;
    for (const c of [...p.status.containerStatuses].reverse()) {
      if (c.state.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state.terminated) reason = terminatedReason(c.state.terminated);
      else if (c.state.running && c.ready) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) reason = p.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
  }
  if (p.metadata.deletionTimestamp) reason = 'Terminating';
  return reason;
}

export function restartsColumn(p: PodJson, now: number): string {
  const all = [...(p.status.initContainerStatuses ?? []), ...p.status.containerStatuses];
  const count = all.reduce((n, c) => n + c.restartCount, 0);
  const last = all.map((c) => c.lastState.terminated?.finishedAt).filter((t): t is string => t !== undefined).sort().pop();
  return count > 0 && last ? `${count} (${age(last, now)} ago)` : String(count);
}

/** kubectl's HumanDuration: 45s, 3m12s, 12m, 5h3m, 3d4h, 12d. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  return `${d}d`;
}

export function age(timestamp: string, now: number): string {
  return humanDuration(now - Date.parse(timestamp));
}
