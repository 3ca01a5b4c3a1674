/**
 * The ports a proxy serves inbound: its container ports (POD_PORTS), and the target ports of the
 * services whose endpoints are this workload. The protocol comes from the service port when a
 * service exposes the port, else from the container port's name. When the Sidecar that applies
 * has `ingress` listeners, they alone decide (Istio's buildInboundListeners from the sidecar
 * scope): one port per listener, its protocol as declared, and its `defaultEndpoint`
 * (`127.0.0.1:PORT`, or `0.0.0.0:PORT` for the pod's own IP) as the inbound cluster's endpoint.
 */
import type { IstioIngressListener } from '../config/types/sidecar.ts';
import type { Protocol, ServiceEndpoint } from '../registry/model.ts';
import { inferProtocol, parseProtocol } from '../registry/protocol.ts';
import type { PushContext } from './push-context.ts';
import type { Proxy } from './proxy.ts';

export interface InboundPort {
  readonly port: number;
  readonly name: string;
  readonly protocol: Protocol;
  /** The services that reach the workload on this port (for metadata and route decorators). */
  readonly services: readonly { readonly hostname: string; readonly name: string; readonly namespace: string; readonly servicePort: number }[];
  /** A Sidecar ingress listener's defaultEndpoint; absent: the original destination (ORIGINAL_DST). */
  readonly endpoint?: { readonly address: string; readonly port: number };
}

/**
 * `127.0.0.1:PORT` -> localhost, `0.0.0.0:PORT` -> the pod's IPv4 (Istio's PodIPAddressPrefix),
 * `[::1]` / `[::]` likewise for IPv6; `:PORT` the pod's own address (where the original
 * destination is, on the new port); unix:// is not supported (none: the original destination).
 */
export function defaultEndpoint(value: string | undefined, proxy: Pick<Proxy, 'ipAddresses'>): InboundPort['endpoint'] {
  const m = /^(127\.0\.0\.1|0\.0\.0\.0|\[::1\]|\[::\])?:(\d+)$/.exec(value ?? '');
  if (!m) return undefined;
  const host = m[1] ?? '';
  if (host === '') {
    const ip = proxy.ipAddresses.find((a) => !a.includes(':')) ?? proxy.ipAddresses[0];
    return ip ? { address: ip, port: Number(m[2]) } : undefined;
  }
  const ipv4 = host === '127.0.0.1' || host === '0.0.0.0';
  const address = host === '127.0.0.1' ? '127.0.0.1' : host === '[::1]' ? '::1'
    : proxy.ipAddresses.find((ip) => (ipv4 ? !ip.includes(':') : ip.includes(':')));
  return address ? { address, port: Number(m[2]) } : undefined;
}

function ingressPorts(proxy: Proxy, push: PushContext, listeners: readonly IstioIngressListener[]): InboundPort[] {
  const instances = push.serviceInstances(proxy);
  return listeners.flatMap((l) => {
    const port = l.port.number;
    if (port === undefined) return [];
    const services = instances.filter((ep) => ep.port === port).map((ep) => {
      const svc = push.service(ep.hostname);
      return { hostname: ep.hostname, name: svc?.name ?? ep.hostname, namespace: svc?.namespace ?? ep.namespace, servicePort: ep.servicePort };
    });
    const endpoint = defaultEndpoint(l.defaultEndpoint, proxy);
    const where = `Sidecar ingress port ${port} of ${proxy.namespace}/${proxy.podName}`;
    if (l.defaultEndpoint?.startsWith('unix://')) push.warn(`${where}: defaultEndpoint "${l.defaultEndpoint}" (a unix socket) is not supported; the original destination is used`);
    if (l.captureMode === 'NONE') push.warn(`${where}: captureMode NONE is not supported; the port is served from the captured virtualInbound`);
    if (l.tls) push.warn(`${where}: tls (termination at the sidecar) is not supported; the connection is passed on as it comes`);
    const protocol = parseProtocol(l.port.protocol ?? '') ?? inferProtocol({ name: l.port.name ?? '' });
    return [{ port, name: l.port.name ?? '', protocol, services, ...(endpoint ? { endpoint } : {}) }];
  }).sort((a, b) => a.port - b.port);
}

export function inboundPorts(proxy: Proxy, push: PushContext): InboundPort[] {
  const ingress = push.sidecarScope(proxy).ingress;
  if (ingress.length > 0) return ingressPorts(proxy, push, ingress);
  const instances = push.serviceInstances(proxy);
  const byPort = new Map<number, { name: string; protocol?: Protocol; services: ServiceEndpoint[] }>();
  for (const cp of proxy.podPorts) {
    if (cp.protocol.toUpperCase() === 'UDP') continue;
    if (!byPort.has(cp.containerPort)) byPort.set(cp.containerPort, { name: cp.name, services: [] });
  }
  for (const ep of instances) {
    const entry = byPort.get(ep.port) ?? { name: ep.servicePortName, services: [] };
    const sp = push.service(ep.hostname)?.ports.find((p) => p.port === ep.servicePort);
    if (sp && sp.protocol !== 'UDP') {
      entry.protocol ??= sp.protocol;
      entry.services.push(ep);
      byPort.set(ep.port, entry);
    }
  }
  return [...byPort].sort(([a], [b]) => a - b).map(([port, e]) => ({
    port, name: e.name, protocol: e.protocol ?? inferProtocol({ name: e.name }),
    services: e.services.map((ep) => {
      const svc = push.service(ep.hostname);
      return { hostname: ep.hostname, name: svc?.name ?? ep.hostname, namespace: svc?.namespace ?? ep.namespace, servicePort: ep.servicePort };
    }),
  }));
}
