/**
 * Which hosts a balancer may pick once outlier detection has ejected some: the pickable hosts
 * (healthy, best priority) of the non-ejected ones, unless the cluster is in panic: when fewer
 * than healthy_panic_threshold percent of its hosts are healthy and not ejected, ejections are
 * ignored (Istio's minHealthPercent; Envoy's default threshold is 50%, Istio sends 0 with
 * outlier detection unless minHealthPercent says otherwise, and 0 never panics). Unlike Envoy,
 * panic never routes to hosts EDS calls unhealthy.
 */
import { usability } from '../endpoint/health.ts';
import { pickableHosts } from '../endpoint/priority-set.ts';
import type { Host } from './cluster.ts';

export function eligibleHosts(all: readonly Host[], isEjected: (h: Host) => boolean, panicThresholdPercent: number): readonly Host[] {
  const kept = all.filter((h) => !isEjected(h));
  if (kept.length === all.length) return pickableHosts(all);
  let healthy = 0;
  for (const h of kept) if (usability(h.health) === 'healthy') healthy++;
  if (all.length > 0 && (100 * healthy) / all.length < panicThresholdPercent) return pickableHosts(all);
  return pickableHosts(kept);
}
