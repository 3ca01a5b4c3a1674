/**
 * RDS for gateways (Istio's buildGatewayHTTPRouteConfig): `http.<port>` holds one virtual host
 * per host name where a server's `hosts` meet the hosts of a VirtualService bound to that
 * server's Gateway, named `<host>:<server port>` with that one domain (the configuration ignores
 * the port in host matching), with the VirtualService's routes (several VirtualServices on one
 * host append theirs, catch-all routes last). A server with tls.httpsRedirect sends every
 * request for its hosts a 301 to https (Istio's require_tls ALL, as a redirect route). A host no
 * VirtualService covers has no virtual host (404 NR); a port with no virtual host at all gets
 * Istio's `blackhole:<port>` with no routes. Each TLS-terminating HTTPS server has its own
 * `https.<number>.<port name>.<gateway>.<ns>`, built the same way from that server alone.
 */
import { TypeUrls } from '../../../core/xds/type-urls.ts';
import { intersectHosts, virtualServicesForGateway } from '../../model/gateway-virtual-services.ts';
import { bareHost, gatewayRouteName, httpsRouteName, mergeGateways, serverHostsFor, terminatesHttp, type GatewayPort } from '../../model/gateways.ts';
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { Generator, Json, XdsResource } from '../generator.ts';
import { translateHttpRoutes } from './http-route.ts';

export const HTTPS_REDIRECT_ROUTE: Json = Object.freeze({
  name: 'https-redirect', match: { prefix: '/' }, redirect: { httpsRedirect: true, responseCode: 'MOVED_PERMANENTLY' },
});

interface VHost { name: string; domain: string; routes: Json[]; redirect: boolean }

/** Istio's catch-all: a `/` prefix with nothing else to match on. */
function isCatchAll(r: Json): boolean {
  const m = (r['match'] ?? {}) as Json;
  return m['prefix'] === '/' && Object.keys(m).every((k) => k === 'prefix' || k === 'caseSensitive');
}

/** Catch-all routes move to the end; the others keep their order (Istio's SortVHostRoutes). */
const sortRoutes = (routes: readonly Json[]): Json[] => [...routes.filter((r) => !isCatchAll(r)), ...routes.filter(isCatchAll)];

function virtualHosts(proxy: Proxy, push: PushContext, p: GatewayPort): Map<string, VHost> {
  const byHost = new Map<string, VHost>();
  const vhostFor = (host: string, servicePort: number): VHost => {
    let vh = byHost.get(host);
    if (!vh) byHost.set(host, (vh = { name: `${host}:${servicePort}`, domain: host, routes: [], redirect: false }));
    return vh;
  };
  for (const s of p.servers) {
    const redirect = s.protocol === 'HTTP' && s.server.tls?.httpsRedirect === true;
    for (const vs of virtualServicesForGateway(push.gatewayVirtualServices(), s.gateway, proxy.namespace)) {
      const ns = vs.resource.metadata.namespace;
      const hosts = intersectHosts(serverHostsFor(s, ns), vs.hosts);
      if (hosts.length === 0) continue;
      const routes = translateHttpRoutes(vs, {
        push, proxy, configNamespace: ns, listenerPort: s.servicePort, namespace: proxy.namespace, labels: proxy.labels,
        port: s.servicePort, flavour: 'sidecar', gateways: new Set([s.gateway]),
      });
      for (const h of hosts) {
        const vh = vhostFor(h, s.servicePort);
        vh.routes.push(...routes);
        if (redirect) vh.redirect = true;
      }
    }
    if (redirect) for (const h of s.server.hosts) vhostFor(bareHost(h), s.servicePort).redirect = true;
  }
  return byHost;
}

export function buildGatewayRouteConfig(proxy: Proxy, push: PushContext, port: GatewayPort | undefined, name: string): Json {
  const base = { name, validateClusters: false, ignorePortInHostMatching: true, maxDirectResponseBodySizeBytes: 1048576 };
  if (!port) return { ...base, virtualHosts: [] };
  const vhosts = [...virtualHosts(proxy, push, port).values()]
    .filter((vh) => vh.redirect || vh.routes.length > 0)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((vh) => ({
      name: vh.name, domains: [vh.domain], routes: vh.redirect ? [HTTPS_REDIRECT_ROUTE] : sortRoutes(vh.routes), includeRequestAttemptCount: true,
    }));
  if (vhosts.length === 0) {
    // Envoy answers 404 NR for every request: a virtual host without routes.
    return { ...base, virtualHosts: [{ name: `blackhole:${port.servers[0]?.servicePort ?? port.port}`, domains: ['*'], routes: [] }] };
  }
  return { ...base, virtualHosts: vhosts };
}

export function generateGatewayRoutes(proxy: Proxy, push: PushContext, names?: readonly string[]): XdsResource[] {
  const merged = mergeGateways(proxy, push, push.gateways());
  const byName = new Map(merged.filter((p) => p.protocol === 'HTTP').map((p) => [gatewayRouteName(p.port), p]));
  for (const p of merged) {
    for (const s of p.servers) if (terminatesHttp(s)) byName.set(httpsRouteName(s), { port: p.port, protocol: 'HTTPS', servers: [s] });
  }
  const wanted = names ?? [...byName.keys()];
  // A name no server has any more (a Gateway just deleted) gets an empty configuration, as istiod answers.
  return wanted.filter((n) => /^http\.\d+$/.test(n) || n.startsWith('https.')).map((n) => ({ name: n, resource: buildGatewayRouteConfig(proxy, push, byName.get(n), n) }));
}

export const gatewayRdsGenerator = { typeUrl: TypeUrls.routeConfiguration, generate: generateGatewayRoutes } satisfies Generator;
