/** `@type` URLs of the Envoy extension configs the generators embed, and proto3 JSON helpers. */
import { durationMs } from '../config/schema/duration.ts';

const T = 'type.googleapis.com/';

export const ExtensionTypes = {
  httpConnectionManager: `${T}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`,
  tcpProxy: `${T}envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy`,
  router: `${T}envoy.extensions.filters.http.router.v3.Router`,
  fault: `${T}envoy.extensions.filters.http.fault.v3.HTTPFault`,
  cors: `${T}envoy.extensions.filters.http.cors.v3.Cors`,
  originalDst: `${T}envoy.extensions.filters.listener.original_dst.v3.OriginalDst`,
  upstreamTls: `${T}envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext`,
  httpProtocolOptions: `${T}envoy.extensions.upstreams.http.v3.HttpProtocolOptions`,
} as const;

/** Envoy's filter names, as Istio writes them. */
export const FilterNames = {
  httpConnectionManager: 'envoy.filters.network.http_connection_manager',
  tcpProxy: 'envoy.filters.network.tcp_proxy',
  router: 'envoy.filters.http.router',
  fault: 'envoy.filters.http.fault',
  cors: 'envoy.filters.http.cors',
  originalDst: 'envoy.filters.listener.original_dst',
  tls: 'envoy.transport_sockets.tls',
  httpProtocolOptions: 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
} as const;

/** The config source every dynamic reference uses: the ADS stream itself. */
export const ADS_CONFIG_SOURCE = Object.freeze({ ads: {}, resourceApiVersion: 'V3' });

/** An Istio (Go) duration, "1m30s", as a proto3 JSON Duration, "90s". */
export function protoDuration(istio: string): string {
  return `${durationMs(istio) / 1000}s`;
}

/** A percentage (0-100, may be fractional) as Envoy's FractionalPercent per million. */
export function fractionalPercent(percent: number): { numerator: number; denominator: 'MILLION' } {
  return { numerator: Math.round(Math.min(100, Math.max(0, percent)) * 10_000), denominator: 'MILLION' };
}

/** Drops undefined fields, so optional settings stay out of the generated JSON. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
