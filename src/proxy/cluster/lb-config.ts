/**
 * The load balancer settings of a cluster beyond its lb_policy, as frozen config: the ring
 * (ring_hash_lb_config), the Maglev table (maglev_lb_config), slow start
 * (round_robin_lb_config / least_request_lb_config slow_start_config) and the healthy panic
 * threshold (common_lb_config). Envoy's defaults where the cluster sets nothing.
 */

export interface RingHashConfig {
  /** minimum_ring_size: Envoy's default 1024. */
  readonly minimumRingSize: number;
  /** maximum_ring_size: Envoy's default 8M entries. */
  readonly maximumRingSize: number;
}

export interface MaglevConfig {
  /** table_size: a prime, Envoy's default 65537. */
  readonly tableSize: number;
}

export interface SlowStartConfig {
  /** slow_start_window: how long a new host ramps up. */
  readonly windowMs: number;
  /** aggression: 1 is linear; above 1 ramps faster early. */
  readonly aggression: number;
  /** min_weight_percent as a fraction (Envoy's default 10% = 0.1). */
  readonly minWeightFraction: number;
}

export const ENVOY_DEFAULT_RING_HASH: RingHashConfig = Object.freeze({ minimumRingSize: 1024, maximumRingSize: 8 * 1024 * 1024 });
export const ENVOY_DEFAULT_MAGLEV: MaglevConfig = Object.freeze({ tableSize: 65537 });
/** common_lb_config.healthy_panic_threshold when unset. */
export const ENVOY_DEFAULT_HEALTHY_PANIC_THRESHOLD = 50;
