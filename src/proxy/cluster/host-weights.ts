/**
 * Endpoint weights as the weighted balancers see them: the EDS load_balancing_weight (at least
 * 1), scaled during slow start as Envoy's applySlowStartFactor does: a host that joined less
 * than slow_start_window ago weighs weight * max(min_weight_percent, time_factor^(1/aggression)),
 * time_factor = max(1 ms, age) / window. `SlowStartWindow` remembers, per host set, until when
 * any host of it is still ramping so that balancers skip the work afterwards.
 */
import type { Host } from './cluster.ts';
import type { SlowStartConfig } from './lb-config.ts';

export const baseWeight = (h: Host): number => (h.weight > 0 ? h.weight : 1);

export function equalWeights(hosts: readonly Host[]): boolean {
  const first = hosts[0];
  if (!first) return true;
  const w = baseWeight(first);
  for (const h of hosts) if (baseWeight(h) !== w) return false;
  return true;
}

/** The slow start factor in (0, 1] of `host` at `now`. */
export function slowStartFactor(cfg: SlowStartConfig, host: Host, now: number): number {
  if (host.createdAtMs === undefined || cfg.windowMs <= 0) return 1;
  const age = now - host.createdAtMs;
  if (age >= cfg.windowMs) return 1;
  const t = Math.max(1, age) / cfg.windowMs;
  const aggression = cfg.aggression > 0 ? cfg.aggression : 1;
  const ramp = aggression === 1 ? t : Math.pow(t, 1 / aggression);
  return Math.max(ramp, cfg.minWeightFraction);
}

/** The time (ms) until which some host of `hosts` is in slow start; 0 when none ever is. */
export function rampingUntil(cfg: SlowStartConfig | undefined, hosts: readonly Host[]): number {
  if (!cfg || cfg.windowMs <= 0) return 0;
  let until = 0;
  for (const h of hosts) if (h.createdAtMs !== undefined && h.createdAtMs + cfg.windowMs > until) until = h.createdAtMs + cfg.windowMs;
  return until;
}
