/**
 * Outlier detection as frozen config (envoy.config.cluster.v3.OutlierDetection), with Envoy's
 * defaults for unset fields. Only the consecutive-failure detectors are modelled: Istio turns
 * success-rate ejection off (enforcing_success_rate 0) and never sets failure percentage.
 */

export interface OutlierDetectionConfig {
  readonly consecutive5xx: number;
  readonly consecutiveGatewayFailure: number;
  readonly consecutiveLocalOriginFailure: number;
  /** Percentages (0-100): the chance a detected outlier is actually ejected. */
  readonly enforcingConsecutive5xx: number;
  readonly enforcingConsecutiveGatewayFailure: number;
  readonly enforcingConsecutiveLocalOriginFailure: number;
  /** Count local-origin failures (connect failure, timeout, reset) apart from upstream 5xx. */
  readonly splitExternalLocalOriginErrors: boolean;
  readonly intervalMs: number;
  readonly baseEjectionTimeMs: number;
  readonly maxEjectionTimeMs: number;
  readonly maxEjectionPercent: number;
  /** Eject one host even when max_ejection_percent allows none (Envoy's always_eject_one_host). */
  readonly alwaysEjectOneHost: boolean;
}

export const ENVOY_DEFAULT_OUTLIER_DETECTION: OutlierDetectionConfig = Object.freeze({
  consecutive5xx: 5,
  consecutiveGatewayFailure: 5,
  consecutiveLocalOriginFailure: 5,
  enforcingConsecutive5xx: 100,
  enforcingConsecutiveGatewayFailure: 0,
  enforcingConsecutiveLocalOriginFailure: 100,
  splitExternalLocalOriginErrors: false,
  intervalMs: 10_000,
  baseEjectionTimeMs: 30_000,
  maxEjectionTimeMs: 300_000,
  maxEjectionPercent: 10,
  alwaysEjectOneHost: false,
});
