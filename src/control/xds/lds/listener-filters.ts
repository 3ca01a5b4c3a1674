/**
 * The listener filters of Istio's protocol selection: http_inspector (sniffs plaintext HTTP/1.x
 * and h2c for filter chains matching application protocols), tls_inspector (only where a chain
 * matches on TLS: Istio's needTLSInspector; on sidecars none until mTLS, and a TLS ClientHello's
 * ALPN must not select a plaintext HTTP chain; gateway HTTPS/TLS ports match SNI), original_dst, and the
 * listener_filters_timeout from MeshConfig protocolDetectionTimeout with
 * continue_on_listener_filters_timeout, so a connection that sends nothing goes on as TCP.
 */
import type { Json } from '../generator.ts';
import { ExtensionTypes, FilterNames } from '../type-config.ts';

const T = 'type.googleapis.com/';

export const ListenerFilterNames = {
  originalDst: FilterNames.originalDst,
  tlsInspector: 'envoy.filters.listener.tls_inspector',
  httpInspector: 'envoy.filters.listener.http_inspector',
} as const;

export const ORIGINAL_DST_FILTER: Json = Object.freeze({ name: FilterNames.originalDst, typedConfig: { '@type': ExtensionTypes.originalDst } });

export function tlsInspectorFilter(disabled?: Json): Json {
  return {
    name: ListenerFilterNames.tlsInspector,
    typedConfig: { '@type': `${T}envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector` },
    ...(disabled ? { filterDisabled: disabled } : {}),
  };
}

export function httpInspectorFilter(disabled?: Json): Json {
  return {
    name: ListenerFilterNames.httpInspector,
    typedConfig: { '@type': `${T}envoy.extensions.filters.listener.http_inspector.v3.HttpInspector` },
    ...(disabled ? { filterDisabled: disabled } : {}),
  };
}

/** A filter_disabled predicate for these destination ports (Istio's, for ports not sniffed); undefined for none. */
export function portsPredicate(ports: readonly number[]): Json | undefined {
  const rules = [...new Set(ports)].sort((a, b) => a - b).map((p) => ({ destinationPortRange: { start: p, end: p + 1 } }));
  if (rules.length === 0) return undefined;
  return rules.length === 1 ? rules[0] : { orMatch: { rules } };
}

/** listener_filters_timeout and continue_on_listener_filters_timeout, for a sniffing listener. */
export function sniffingTimeout(protocolDetectionTimeout: string): Json {
  return { listenerFiltersTimeout: protocolDetectionTimeout, continueOnListenerFiltersTimeout: true };
}
