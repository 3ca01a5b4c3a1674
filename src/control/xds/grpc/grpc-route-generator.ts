/**
 * RDS for proxyless gRPC: RouteConfiguration `<fqdn>:<port>` with one virtual host (domains
 * `<fqdn>:<port>` and `<fqdn>`) whose routes are the VirtualService's HTTP rules as gRPC can
 * follow them (header matches, weighted clusters, timeouts, retries, faults), or the default route.
 */
import { TypeUrls } from '../../../core/xds/type-urls.ts';
import { clusterName } from '../../model/names.ts';
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { Generator, Json, XdsResource } from '../generator.ts';
import { defaultRoute, translateHttpRoutes } from '../rds/http-route.ts';
import { resolveGrpcTarget } from './grpc-names.ts';

function routeConfig(name: string, proxy: Proxy, push: PushContext): Json | undefined {
  const target = resolveGrpcTarget(name, proxy, push);
  if (!target) return undefined;
  const { service, port } = target;
  const vs = push.virtualServiceFor(proxy, service.hostname);
  const ctx = {
    push, proxy, configNamespace: vs?.resource.metadata.namespace ?? proxy.namespace, listenerPort: port.port,
    namespace: proxy.namespace, labels: proxy.labels, port: port.port, flavour: 'grpc' as const,
  };
  const routes = vs ? translateHttpRoutes(vs, ctx) : [];
  const domains = [...new Set([target.fqdnName, service.hostname, name])];
  return {
    name,
    virtualHosts: [{
      name: target.fqdnName,
      domains,
      routes: routes.length > 0 ? routes : [defaultRoute(clusterName('outbound', port.port, '', service.hostname), service.hostname, port.port, 'grpc')],
    }],
  };
}

export function generateGrpcRoutes(proxy: Proxy, push: PushContext, names?: readonly string[]): XdsResource[] {
  const wanted = names ?? push.sidecarScope(proxy).services.flatMap((s) => s.ports.map((p) => `${s.hostname}:${p.port}`));
  return [...new Set(wanted)].flatMap((name) => {
    const resource = routeConfig(name, proxy, push);
    return resource ? [{ name, resource }] : [];
  });
}

export const grpcRdsGenerator = { typeUrl: TypeUrls.routeConfiguration, generate: generateGrpcRoutes } satisfies Generator;
