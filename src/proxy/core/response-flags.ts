/**
 * Envoy's response flags for TCP connections, and how upstream failures map onto them. The
 * short string is what `%RESPONSE_FLAGS%` and the `response_flags` metric label show: flags in
 * Envoy's order joined by commas, or `-` when there are none.
 */

export const ResponseFlags = {
  /** No healthy upstream host (no ready endpoint, or BlackHoleCluster). */
  NoHealthyUpstream: 'UH',
  /** The upstream connection could not be established (refused, unreachable, connect timeout). */
  UpstreamConnectionFailure: 'UF',
  /** The cluster's circuit breaker (max connections) was open. */
  UpstreamOverflow: 'UO',
  /** No route (filter chain or cluster) for the connection. */
  NoRouteFound: 'NR',
  /** The downstream closed before the upstream connection was set up. */
  DownstreamConnectionTermination: 'DC',
  /** Every connect attempt (max_connect_attempts) failed. */
  UpstreamRetryLimitExceeded: 'URX',
  /** The route names a cluster the config does not have. */
  NoClusterFound: 'NC',
} as const;

export type ResponseFlag = (typeof ResponseFlags)[keyof typeof ResponseFlags];

const order: readonly ResponseFlag[] = ['UH', 'UF', 'UO', 'NR', 'DC', 'URX', 'NC'];

export function responseFlagsString(flags: ReadonlySet<ResponseFlag>): string {
  const out = order.filter((f) => flags.has(f));
  return out.length === 0 ? '-' : out.join(',');
}
