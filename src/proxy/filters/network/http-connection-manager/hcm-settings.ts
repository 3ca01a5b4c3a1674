/**
 * The HTTP connection manager's own settings, from its xDS config, validated and frozen:
 * which codec (AUTO detects HTTP/2 by its preface), how the request headers are edited
 * (use_remote_address, xff_num_trusted_hops, request ids), the `server` header, upgrades and
 * timeouts. Envoy's defaults where Istio sets nothing.
 */

export type CodecType = 'AUTO' | 'HTTP1' | 'HTTP2';
export type ServerHeaderTransformation = 'OVERWRITE' | 'APPEND_IF_ABSENT' | 'PASS_THROUGH';

export interface HcmSettings {
  readonly codecType: CodecType;
  /** Append the downstream address to x-forwarded-for and trust it as the client (gateways). */
  readonly useRemoteAddress: boolean;
  readonly xffNumTrustedHops: number;
  /** generate_request_id (default true). */
  readonly generateRequestId: boolean;
  readonly preserveExternalRequestId: boolean;
  readonly serverName: string;
  readonly serverHeaderTransformation: ServerHeaderTransformation;
  /** upgrade_configs: upgrade types allowed (lower case, e.g. "websocket"). */
  readonly upgradeTypes: readonly string[];
  /** stream_idle_timeout (Envoy default 5 min; 0 disables). */
  readonly streamIdleTimeoutMs: number;
  /** request_timeout (0 disables). */
  readonly requestTimeoutMs: number;
  /** common_http_protocol_options.idle_timeout for downstream connections (Envoy default 1 h). */
  readonly idleTimeoutMs: number;
  /** The HTTP filters before the router, by name (envoy.filters.http.fault, istio.metadata_exchange...). */
  readonly httpFilters: readonly string[];
}

export const defaultHcmSettings: HcmSettings = Object.freeze({
  codecType: 'AUTO',
  useRemoteAddress: false,
  xffNumTrustedHops: 0,
  generateRequestId: true,
  preserveExternalRequestId: false,
  serverName: 'envoy',
  serverHeaderTransformation: 'OVERWRITE',
  upgradeTypes: Object.freeze([]) as readonly string[],
  streamIdleTimeoutMs: 300_000,
  requestTimeoutMs: 0,
  idleTimeoutMs: 3_600_000,
  httpFilters: Object.freeze([]) as readonly string[],
});
