/**
 * What a request tells its cluster when a host is chosen for one attempt (Envoy's
 * LoadBalancerContext): the hash of its hash policies (RING_HASH, MAGLEV), and the hosts the
 * retry predicate previous_hosts rules out, with how often selection may be retried to avoid
 * them (route retry_policy host_selection_retry_max_attempts; after that the last pick stands).
 */
import type { Host } from './cluster.ts';

export interface ChooseHostContext {
  /** The request's hash key (hash-key.ts); a string is hashed with xxHash64. Undefined: random. */
  readonly hashKey?: bigint | string | undefined;
  /** Hosts earlier attempts used (previous_hosts); compared by address. */
  readonly excludeHosts?: readonly Host[] | undefined;
  /** host_selection_retry_max_attempts (Envoy's default 1). */
  readonly hostSelectionRetryMaxAttempts?: number | undefined;
}
