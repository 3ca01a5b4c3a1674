/**
 * The Gateways a router proxy serves, merged (Istio's model.MergedGateway): every Gateway whose
 * `selector` selects the proxy's labels (any namespace), its servers grouped by the port the
 * proxy listens on. A server's `port.number` is the gateway Service's port; the listener is on
 * that port's targetPort on the proxy's own workload (Service 80 -> pod 8080), else the number
 * itself. Plain-text HTTP servers on one port share the route configuration `http.<port>`;
 * each HTTPS server that terminates TLS has its own, `https.<number>.<port name>.<gateway>.<ns>`.
 * HTTPS and TLS servers may share a port (filter chains by SNI); HTTP and TCP may not.
 * Ports below 1024 are skipped for an unprivileged proxy (it could not bind them), as istiod does.
 */
import type { Resource } from '../config/resource.ts';
import type { Server } from '../config/types/gateway.ts';
import { selects } from './labels.ts';
import type { Proxy } from './proxy.ts';
import type { PushContext } from './push-context.ts';

/** Istio's protocol families of a server port. */
export type ServerProtocol = 'HTTP' | 'HTTPS' | 'TLS' | 'TCP';

export interface GatewayServer {
  /** `<namespace>/<name>` of the Gateway, as VirtualServices bind to it. */
  readonly gateway: string;
  readonly gatewayNamespace: string;
  readonly server: Server;
  readonly protocol: ServerProtocol;
  /** The server's own port number (the Service port), as virtual host names use it. */
  readonly servicePort: number;
}

export interface GatewayPort {
  /** The port the proxy binds (the Service's targetPort). */
  readonly port: number;
  readonly protocol: ServerProtocol;
  readonly servers: readonly GatewayServer[];
}

/** HTTP, HTTP2, GRPC, GRPC-WEB are HTTP; HTTPS; TLS; everything else (TCP, MONGO...) is TCP. */
export function serverProtocol(p: string): ServerProtocol {
  const u = p.toUpperCase();
  if (['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB'].includes(u)) return 'HTTP';
  if (u === 'HTTPS') return 'HTTPS';
  if (u === 'TLS') return 'TLS';
  return 'TCP';
}

/** The route configuration of plain-text HTTP servers on a port (Istio's gatewayRDSRouteName). */
export const gatewayRouteName = (port: number): string => `http.${port}`;

/** The route configuration of one TLS-terminating HTTPS server (Istio's gatewayRDSRouteName for HTTPS). */
export function httpsRouteName(s: GatewayServer): string {
  const [ns, name] = s.gateway.split('/');
  return `https.${s.servicePort}.${s.server.port.name}.${name ?? ''}.${ns ?? ''}`;
}

/** A server whose TLS the gateway passes through to the destination (SNI routing), not terminates. */
export const isPassthrough = (s: GatewayServer): boolean =>
  s.server.tls?.mode === 'PASSTHROUGH' || s.server.tls?.mode === 'AUTO_PASSTHROUGH' || (s.protocol === 'TLS' && s.server.tls === undefined);

/** An HTTPS server terminated at the gateway and routed as HTTP. */
export const terminatesHttp = (s: GatewayServer): boolean => s.protocol === 'HTTPS' && !isPassthrough(s);

/** HTTPS and TLS are one family on a port (both choose filter chains by SNI). */
const family = (p: ServerProtocol): string => (p === 'HTTPS' ? 'TLS' : p);

/** The Gateways selecting the proxy, by `<ns>/<name>`, sorted. */
export function gatewaysFor(proxy: Pick<Proxy, 'labels'>, gateways: readonly Resource<'Gateway'>[]): Resource<'Gateway'>[] {
  return gateways
    .filter((g) => g.spec.selector !== undefined && Object.keys(g.spec.selector).length > 0 && selects(g.spec.selector, proxy.labels))
    .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
}

function isUnprivileged(proxy: Proxy): boolean {
  const v = proxy.metadata['UNPRIVILEGED_POD'];
  return v === true || v === 'true';
}

/** Service port -> the port on the proxy's workload, from the services whose endpoints it is. */
function targetPorts(proxy: Proxy, push: PushContext): Map<number, number> {
  const out = new Map<number, number>();
  for (const ep of push.serviceInstances(proxy)) if (!out.has(ep.servicePort)) out.set(ep.servicePort, ep.port);
  return out;
}

/**
 * The ports the proxy listens on, sorted. A port keeps the protocol of its first server; servers
 * of another family on the same port are dropped (Istio refuses to merge HTTP with HTTPS/TCP).
 */
export function mergeGateways(proxy: Proxy, push: PushContext, gateways: readonly Resource<'Gateway'>[]): GatewayPort[] {
  const targets = targetPorts(proxy, push);
  const byPort = new Map<number, { protocol: ServerProtocol; servers: GatewayServer[] }>();
  for (const gw of gatewaysFor(proxy, gateways)) {
    for (const server of gw.spec.servers) {
      const number = server.port.number;
      if (number === undefined) continue;
      const port = targets.get(number) ?? number;
      if (port < 1024 && isUnprivileged(proxy)) continue;
      const protocol = serverProtocol(server.port.protocol);
      const entry: GatewayServer = { gateway: `${gw.metadata.namespace}/${gw.metadata.name}`, gatewayNamespace: gw.metadata.namespace, server, protocol, servicePort: number };
      const merged = byPort.get(port);
      if (!merged) byPort.set(port, { protocol, servers: [entry] });
      else if (family(merged.protocol) === family(protocol)) merged.servers.push(entry);
    }
  }
  return [...byPort.entries()].sort(([a], [b]) => a - b).map(([port, m]) => ({ port, protocol: m.protocol, servers: m.servers }));
}

/** The hosts of a server a VirtualService in `vsNamespace` may bind to (`ns/host` scoping; `.` is the Gateway's namespace). */
export function serverHostsFor(s: GatewayServer, vsNamespace: string): string[] {
  return s.server.hosts.flatMap((h) => {
    const slash = h.indexOf('/');
    if (slash < 0) return [h.toLowerCase()];
    const ns = h.slice(0, slash);
    const visible = ns === '*' || ns === vsNamespace || (ns === '.' && s.gatewayNamespace === vsNamespace);
    return visible ? [h.slice(slash + 1).toLowerCase()] : [];
  });
}

/** A server host without its namespace part. */
export const bareHost = (h: string): string => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h).toLowerCase();
