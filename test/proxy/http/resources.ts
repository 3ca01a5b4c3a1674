/**
 * xDS resources for the HTTP connection manager tests: one outbound HTTP listener whose routes
 * come by RDS, and clusters that succeed, have no endpoint, refuse, speak h2c, or overflow.
 */
import { edsCluster, outbound } from '../xds/resources.ts';

type Json = Record<string, unknown>;
const T = 'type.googleapis.com/';
const pct = (n: number): Json => ({ numerator: n, denominator: 'HUNDRED' });

export const WEB = outbound(8000, 'web');
export const EMPTY = outbound(8000, 'empty');
export const REFUSED = outbound(8000, 'refused');
export const GRPC = outbound(8000, 'grpc');
export const TIGHT = outbound(8000, 'tight');

export function clusters(): Json[] {
  const h2 = { 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': { '@type': `${T}envoy.extensions.upstreams.http.v3.HttpProtocolOptions`, explicitHttpConfig: { http2ProtocolOptions: {} } } };
  const tight = edsCluster(TIGHT);
  tight['circuitBreakers'] = { thresholds: [{ maxConnections: 1, maxPendingRequests: 0, maxRequests: 1, maxRetries: 0 }] };
  return [edsCluster(WEB), edsCluster(EMPTY), edsCluster(REFUSED), { ...edsCluster(GRPC), typedExtensionProtocolOptions: h2 }, tight];
}

export function hcmListener(port: number, extra: Json = {}): Json {
  return {
    name: `0.0.0.0_${port}`, address: { socketAddress: { address: '0.0.0.0', portValue: port } }, bindToPort: false, trafficDirection: 'OUTBOUND',
    filterChains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typedConfig: {
      '@type': `${T}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`, statPrefix: `outbound_0.0.0.0_${port}`,
      rds: { configSource: { ads: {} }, routeConfigName: String(port) },
      httpFilters: [
        { name: 'envoy.filters.http.fault', typedConfig: { '@type': `${T}envoy.extensions.filters.http.fault.v3.HTTPFault` } },
        { name: 'envoy.filters.http.router', typedConfig: { '@type': `${T}envoy.extensions.filters.http.router.v3.Router` } },
      ],
      upgradeConfigs: [{ upgradeType: 'websocket' }],
      ...extra,
    } }] }],
  };
}

const route = (name: string, prefix: string, action: Json, more: Json = {}): Json => ({ name, match: { prefix }, ...action, ...more });
const to = (cluster: string, more: Json = {}): Json => ({ route: { cluster, timeout: '0s', ...more } });
const fault = (f: Json): Json => ({ typedPerFilterConfig: { 'envoy.filters.http.fault': { '@type': `${T}envoy.extensions.filters.http.fault.v3.HTTPFault`, ...f } } });

export function routes(port: number): Json {
  return {
    name: String(port),
    virtualHosts: [
      {
        name: 'web', domains: ['web', `web:${port}`], includeRequestAttemptCount: true,
        routes: [
          route('redirect', '/redirect', { redirect: { hostRedirect: 'example.com', pathRedirect: '/new', responseCode: 'FOUND' } }),
          route('direct', '/direct', { directResponse: { status: 418, body: { inlineString: 'short and stout' } } }),
          route('abort', '/fault-abort', to(WEB), fault({ abort: { httpStatus: 503, percentage: pct(100) } })),
          route('delay', '/fault-delay', to(WEB), fault({ delay: { fixedDelay: '0.3s', percentage: pct(100) } })),
          route('slow', '/slow', to(WEB, { timeout: '0.2s' })),
          route('flaky', '/flaky', to(WEB, { retryPolicy: { retryOn: '5xx', numRetries: 2 } })),
          route('rewrite', '/old/', to(WEB, { prefixRewrite: '/new/' }), { requestHeadersToAdd: [{ header: { key: 'x-added', value: 'yes' } }], responseHeadersToAdd: [{ header: { key: 'x-resp', value: 'yes' } }] }),
          route('mirror', '/mirrored', to(WEB, { requestMirrorPolicies: [{ cluster: WEB, runtimeFraction: { defaultValue: pct(100) } }] })),
          route('cors', '/cors', to(WEB, { cors: { allowOriginStringMatch: [{ exact: 'https://app.example' }], allowMethods: 'GET,POST', allowHeaders: 'x-custom', maxAge: '600', allowCredentials: true, filterEnabled: { defaultValue: pct(100) } } })),
          route('hostrw', '/hostrw', to(WEB, { hostRewriteLiteral: 'rewritten.example' })),
          route('default', '/', to(WEB)),
        ],
      },
      { name: 'empty', domains: ['empty'], routes: [route('default', '/', to(EMPTY))] },
      { name: 'refused', domains: ['refused'], routes: [route('default', '/', to(REFUSED))] },
      { name: 'grpc', domains: ['grpc'], routes: [route('default', '/', to(GRPC))] },
      { name: 'tight', domains: ['tight'], routes: [route('default', '/', to(TIGHT))] },
    ],
  };
}
