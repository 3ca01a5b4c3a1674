/**
 * Proxyless gRPC names its listeners `<host>:<port>` (from `xds:///<host>:<port>`); a short host
 * resolves in the client's namespace. The route config shares the FQDN form of the name.
 */
import { toFqdn } from '../../config/hosts.ts';
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { Service, ServicePort } from '../../registry/model.ts';

export interface GrpcTarget {
  readonly service: Service;
  readonly port: ServicePort;
  /** `<fqdn>:<port>`. */
  readonly fqdnName: string;
}

export function resolveGrpcTarget(name: string, proxy: Proxy, push: PushContext): GrpcTarget | undefined {
  const colon = name.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const portNum = Number(name.slice(colon + 1));
  if (!Number.isInteger(portNum)) return undefined;
  const host = name.slice(0, colon).toLowerCase();
  const scope = push.sidecarScope(proxy);
  const service = scope.service(host) ?? scope.service(toFqdn(host, proxy.namespace, push.mesh.domainSuffix));
  const port = service?.ports.find((p) => p.port === portNum);
  if (!service || !port) return undefined;
  return { service, port, fqdnName: `${service.hostname}:${port.port}` };
}
