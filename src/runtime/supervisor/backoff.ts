/**
 * The kubelet's restart decision and crash back-off: restartPolicy decides whether an exited
 * container runs again (init containers only after a failure); the first restart is immediate,
 * then the delay doubles from the base (10s) up to 5 minutes, and a container that ran for 10
 * minutes starts a fresh series.
 */
import type { RestartPolicy } from '../model/objects.ts';

export const MAX_BACKOFF_MS = 300_000;
export const BACKOFF_RESET_MS = 600_000;

export function shouldRestart(policy: RestartPolicy, exitCode: number, init: boolean): boolean {
  if (policy === 'Never') return false;
  if (policy === 'OnFailure' || init) return exitCode !== 0;
  return true;
}

/** Delay before restart number `streak` (0 = the first restart of a series). */
export function backoffDelay(streak: number, baseMs: number): number {
  if (streak <= 0) return 0;
  return Math.min(baseMs * 2 ** (streak - 1), MAX_BACKOFF_MS);
}
