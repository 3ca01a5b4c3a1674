/**
 * Envoy's response flags, and how failures map onto them. The short string is what
 * `%RESPONSE_FLAGS%` and the `response_flags` metric label show: flags in Envoy's order joined
 * by commas, or `-` when there are none.
 */

export const ResponseFlags = {
  /** No healthy upstream host (no ready endpoint, or BlackHoleCluster). */
  NoHealthyUpstream: 'UH',
  /** The upstream request timed out (route timeout). */
  UpstreamRequestTimeout: 'UT',
  /** The connection was reset locally (e.g. drain). */
  LocalReset: 'LR',
  /** The upstream reset the stream or closed the connection before a full response. */
  UpstreamRemoteReset: 'UR',
  /** The upstream connection could not be established (refused, unreachable, connect timeout). */
  UpstreamConnectionFailure: 'UF',
  /** The upstream connection terminated. */
  UpstreamConnectionTermination: 'UC',
  /** The cluster's circuit breaker (connections, pending requests, requests, retries) was open. */
  UpstreamOverflow: 'UO',
  /** No route (filter chain, virtual host or route) for the connection or request. */
  NoRouteFound: 'NR',
  /** A fault filter delay was injected. */
  DelayInjected: 'DI',
  /** A fault filter abort was injected. */
  FaultInjected: 'FI',
  /** The request was rate limited. */
  RateLimited: 'RL',
  /** The downstream closed before the exchange completed. */
  DownstreamConnectionTermination: 'DC',
  /** Every attempt (retries, or max_connect_attempts) failed. */
  UpstreamRetryLimitExceeded: 'URX',
  /** The stream idle timeout fired. */
  StreamIdleTimeout: 'SI',
  /** The downstream request had invalid Envoy request headers. */
  InvalidEnvoyRequestHeaders: 'IH',
  /** The downstream sent something the HTTP codec could not parse. */
  DownstreamProtocolError: 'DPE',
  /** The upstream stream exceeded its max stream duration. */
  UpstreamMaxStreamDurationReached: 'UMSDR',
  /** The request exceeded max_stream_duration (downstream). */
  DurationTimeout: 'DT',
  /** The upstream sent something the HTTP codec could not parse. */
  UpstreamProtocolError: 'UPE',
  /** The route names a cluster the config does not have. */
  NoClusterFound: 'NC',
  /** The downstream reset the stream. */
  DownstreamRemoteReset: 'DR',
} as const;

export type ResponseFlag = (typeof ResponseFlags)[keyof typeof ResponseFlags];

/** Envoy's order (ResponseFlagUtils). */
const order: readonly ResponseFlag[] = [
  'UH', 'UT', 'LR', 'UR', 'UF', 'UC', 'UO', 'NR', 'DI', 'FI', 'RL', 'DC', 'URX', 'SI', 'IH', 'DPE', 'UMSDR', 'DT', 'UPE', 'NC', 'DR',
];

export function responseFlagsString(flags: ReadonlySet<ResponseFlag>): string {
  if (flags.size === 0) return '-';
  const out = order.filter((f) => flags.has(f));
  return out.join(',');
}
