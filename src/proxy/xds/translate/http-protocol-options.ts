/**
 * A Cluster's HTTP settings -> ClusterHttpOptions: typed_extension_protocol_options
 * ["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"] (explicit_http_config
 * http_protocol_options / http2_protocol_options, use_downstream_protocol_config,
 * common_http_protocol_options idle_timeout, max_requests_per_connection and
 * max_connection_duration), the deprecated
 * Cluster fields with the same meaning (http2_protocol_options, protocol_selection,
 * common_http_protocol_options, max_requests_per_connection), and the DEFAULT priority circuit
 * breaker thresholds (max_pending_requests, max_requests, max_retries). Refused: HTTP/3, auto
 * config (ALPN needs TLS) and protocol options of other extensions.
 */
import {
  ENVOY_DEFAULT_HTTP_OPTIONS, ENVOY_DEFAULT_UPSTREAM_IDLE_TIMEOUT_MS, type ClusterHttpOptions, type UpstreamHttpProtocol,
} from '../../cluster/http-options.ts';
import { durationMs, list, obj, typeName, uint, type At, type Obj } from './fields.ts';

export const HTTP_PROTOCOL_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

/** The DEFAULT priority thresholds, or {} when there are none. */
export function defaultThresholds(c: Obj, at: At): { readonly th: Obj; readonly at: At } {
  const where = at.field('circuitBreakers.thresholds');
  const thresholds = list(obj(c['circuitBreakers'], at.field('circuitBreakers'))['thresholds'], where);
  for (const [i, t] of thresholds.entries()) {
    const th = obj(t, where.index(i));
    if ((th['priority'] ?? 'DEFAULT') === 'DEFAULT') return { th, at: where.index(i) };
  }
  return { th: {}, at: where };
}

function protocolOptions(c: Obj, at: At): { readonly opts: Obj; readonly at: At } | undefined {
  const where = at.field('typedExtensionProtocolOptions');
  const ext = obj(c['typedExtensionProtocolOptions'], where);
  let found: { opts: Obj; at: At } | undefined;
  for (const [key, v] of Object.entries(ext)) {
    const kat = where.field(JSON.stringify(key));
    const type = typeName(v);
    if (key !== HTTP_PROTOCOL_OPTIONS && type !== HTTP_PROTOCOL_OPTIONS) kat.fail(`protocol options ${JSON.stringify(key)} are not supported (only ${HTTP_PROTOCOL_OPTIONS})`);
    if (type !== '' && type !== HTTP_PROTOCOL_OPTIONS) kat.fail(`${type} is not ${HTTP_PROTOCOL_OPTIONS}`);
    found = { opts: obj(v, kat), at: kat };
  }
  return found;
}

function upstreamProtocol(c: Obj, opts: Obj | undefined, at: At): UpstreamHttpProtocol {
  if (opts) {
    if (opts['autoConfig'] !== undefined) at.field('autoConfig').fail('auto_config (protocol by ALPN) needs TLS upstreams, which are not supported yet');
    if (opts['useDownstreamProtocolConfig'] !== undefined) {
      if (obj(opts['useDownstreamProtocolConfig'], at.field('useDownstreamProtocolConfig'))['http3ProtocolOptions'] !== undefined) {
        at.field('useDownstreamProtocolConfig.http3ProtocolOptions').fail('HTTP/3 is not supported');
      }
      return 'downstream';
    }
    const explicit = obj(opts['explicitHttpConfig'], at.field('explicitHttpConfig'));
    if (explicit['http3ProtocolOptions'] !== undefined) at.field('explicitHttpConfig.http3ProtocolOptions').fail('HTTP/3 is not supported');
    if (explicit['http2ProtocolOptions'] !== undefined) return 'http2';
    if (explicit['httpProtocolOptions'] !== undefined) return 'http1';
  }
  if (c['protocolSelection'] === 'USE_DOWNSTREAM_PROTOCOL') return 'downstream';
  return c['http2ProtocolOptions'] !== undefined ? 'http2' : 'http1';
}

export function translateHttpOptions(c: Obj, at: At): ClusterHttpOptions {
  const found = protocolOptions(c, at);
  const oat = found?.at ?? at;
  const common = obj(found?.opts['commonHttpProtocolOptions'] ?? c['commonHttpProtocolOptions'], oat.field('commonHttpProtocolOptions'));
  const cat = oat.field('commonHttpProtocolOptions');
  const { th, at: tat } = defaultThresholds(c, at);
  const d = ENVOY_DEFAULT_HTTP_OPTIONS;
  const maxConnectionDurationMs = durationMs(common['maxConnectionDuration'], cat.field('maxConnectionDuration'), 0);
  return Object.freeze({
    protocol: upstreamProtocol(c, found?.opts, oat),
    maxRequestsPerConnection: uint(common['maxRequestsPerConnection'] ?? c['maxRequestsPerConnection'], cat.field('maxRequestsPerConnection'), 0),
    idleTimeoutMs: durationMs(common['idleTimeout'], cat.field('idleTimeout'), ENVOY_DEFAULT_UPSTREAM_IDLE_TIMEOUT_MS),
    maxPendingRequests: uint(th['maxPendingRequests'], tat.field('maxPendingRequests'), d.maxPendingRequests),
    maxRequests: uint(th['maxRequests'], tat.field('maxRequests'), d.maxRequests),
    maxRetries: uint(th['maxRetries'], tat.field('maxRetries'), d.maxRetries),
    ...(maxConnectionDurationMs > 0 ? { maxConnectionDurationMs } : {}),
  });
}
