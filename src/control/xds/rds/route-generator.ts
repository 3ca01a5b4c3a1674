/**
 * RDS for sidecars: the RouteConfiguration named after an HTTP port (`"9080"`), one virtual host
 * per visible HTTP service on that port, `<fqdn>:<port>`, with its VirtualService's routes or the
 * default route, then the catch-all by outbound traffic policy: `allow_any` (to
 * PassthroughCluster) or `block_all` (a direct 502).
 */
import { TypeUrls } from '../../../core/xds/type-urls.ts';
import { clusterName, PASSTHROUGH_CLUSTER } from '../../model/names.ts';
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import { mayCarryHttp } from '../../registry/protocol.ts';
import type { Generator, Json, XdsResource } from '../generator.ts';
import { hashPolicyFor } from './route-destination.ts';
import { defaultRoute, translateHttpRoutes } from './http-route.ts';
import { timeoutFields } from './route-policies.ts';
import { dedupeDomains, serviceDomains } from './virtual-hosts.ts';

export const ALLOW_ANY_VHOST: Json = Object.freeze({
  name: 'allow_any', domains: ['*'], includeRequestAttemptCount: true,
  routes: [{ name: 'allow_any', match: { prefix: '/' }, route: { cluster: PASSTHROUGH_CLUSTER, ...timeoutFields(undefined) } }],
});

export const BLOCK_ALL_VHOST: Json = Object.freeze({
  name: 'block_all', domains: ['*'], includeRequestAttemptCount: true,
  routes: [{ name: 'block_all', match: { prefix: '/' }, directResponse: { status: 502 } }],
});

export function buildSidecarRouteConfig(proxy: Proxy, push: PushContext, port: number): Json {
  const scope = push.sidecarScope(proxy);
  const vhosts: Json[] = [];
  for (const svc of scope.services) {
    const sp = svc.ports.find((p) => p.port === port);
    if (!sp || !mayCarryHttp(sp.protocol)) continue;
    const vs = push.virtualServiceFor(proxy, svc.hostname);
    const ctx = {
      push, proxy, configNamespace: vs?.resource.metadata.namespace ?? proxy.namespace, listenerPort: port,
      namespace: proxy.namespace, labels: proxy.labels, port, flavour: 'sidecar' as const,
    };
    const routes = vs ? translateHttpRoutes(vs, ctx) : [];
    vhosts.push({
      name: `${svc.hostname}:${port}`,
      domains: serviceDomains(svc, port, proxy.namespace),
      routes: routes.length > 0 ? routes : [defaultRoute(clusterName('outbound', port, '', svc.hostname), svc.hostname, port, 'sidecar', hashPolicyFor([{ host: svc.hostname, port: { number: port } }], ctx))],
      includeRequestAttemptCount: true,
    });
  }
  vhosts.push(scope.outboundTrafficPolicy === 'REGISTRY_ONLY' ? BLOCK_ALL_VHOST : ALLOW_ANY_VHOST);
  return { name: String(port), virtualHosts: dedupeDomains(vhosts), validateClusters: false };
}

export function generateSidecarRoutes(proxy: Proxy, push: PushContext, names?: readonly string[]): XdsResource[] {
  const ports = names ?? [...new Set(push.sidecarScope(proxy).services.flatMap((s) => s.ports.filter((p) => mayCarryHttp(p.protocol)).map((p) => String(p.port))))];
  return ports.filter((n) => /^\d+$/.test(n) && Number(n) >= 1 && Number(n) <= 65535)
    .map((n) => ({ name: n, resource: buildSidecarRouteConfig(proxy, push, Number(n)) }));
}

export const rdsGenerator = { typeUrl: TypeUrls.routeConfiguration, generate: generateSidecarRoutes } satisfies Generator;
