/**
 * A Cluster's outlier_detection -> a frozen OutlierDetectionConfig, Envoy's defaults for unset
 * fields. The consecutive 5xx, gateway failure and local-origin failure detectors are applied;
 * success-rate and failure-percentage ejection are not, so enforcing them explicitly is refused
 * (Istio always sends enforcing_success_rate 0). An unset enforcing_success_rate (Envoy's
 * default 100) is tolerated: without success_rate data it would rarely eject in a small mesh.
 */
import { ENVOY_DEFAULT_OUTLIER_DETECTION as D, type OutlierDetectionConfig } from '../../cluster/outlier-config.ts';
import { type At, bool, durationMs, obj, uint } from './fields.ts';

function percent(v: unknown, at: At, dflt: number): number {
  const n = uint(v, at, dflt);
  if (n > 100) at.fail(`expected a percentage of at most 100, got ${n}`);
  return n;
}

export function translateOutlierDetection(v: unknown, at: At): OutlierDetectionConfig | undefined {
  if (v === undefined || v === null) return undefined;
  const o = obj(v, at);
  for (const f of ['enforcingSuccessRate', 'enforcingLocalOriginSuccessRate', 'enforcingFailurePercentage', 'enforcingFailurePercentageLocalOrigin']) {
    if (uint(o[f], at.field(f), 0) > 0) at.field(f).fail('success-rate and failure-percentage ejection are not supported (set it to 0)');
  }
  const baseEjectionTimeMs = durationMs(o['baseEjectionTime'], at.field('baseEjectionTime'), D.baseEjectionTimeMs);
  return Object.freeze({
    consecutive5xx: uint(o['consecutive5xx'], at.field('consecutive5xx'), D.consecutive5xx),
    consecutiveGatewayFailure: uint(o['consecutiveGatewayFailure'], at.field('consecutiveGatewayFailure'), D.consecutiveGatewayFailure),
    consecutiveLocalOriginFailure: uint(o['consecutiveLocalOriginFailure'], at.field('consecutiveLocalOriginFailure'), D.consecutiveLocalOriginFailure),
    enforcingConsecutive5xx: percent(o['enforcingConsecutive5xx'], at.field('enforcingConsecutive5xx'), D.enforcingConsecutive5xx),
    enforcingConsecutiveGatewayFailure: percent(o['enforcingConsecutiveGatewayFailure'], at.field('enforcingConsecutiveGatewayFailure'), D.enforcingConsecutiveGatewayFailure),
    enforcingConsecutiveLocalOriginFailure: percent(o['enforcingConsecutiveLocalOriginFailure'], at.field('enforcingConsecutiveLocalOriginFailure'), D.enforcingConsecutiveLocalOriginFailure),
    splitExternalLocalOriginErrors: bool(o['splitExternalLocalOriginErrors'], D.splitExternalLocalOriginErrors),
    intervalMs: Math.max(1, durationMs(o['interval'], at.field('interval'), D.intervalMs)),
    baseEjectionTimeMs,
    maxEjectionTimeMs: durationMs(o['maxEjectionTime'], at.field('maxEjectionTime'), Math.max(D.maxEjectionTimeMs, baseEjectionTimeMs)),
    maxEjectionPercent: percent(o['maxEjectionPercent'], at.field('maxEjectionPercent'), D.maxEjectionPercent),
    alwaysEjectOneHost: bool(o['alwaysEjectOneHost'], D.alwaysEjectOneHost),
  });
}
