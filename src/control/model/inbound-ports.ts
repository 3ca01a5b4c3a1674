/**
 * The ports a proxy serves inbound: its container ports (POD_PORTS), and the target ports of the
 * services whose endpoints are this workload. The protocol comes from the service port when a
 * service exposes the port, else from the container port's name.
 */
import type { Protocol, ServiceEndpoint } from '../registry/model.ts';
import { inferProtocol } from '../registry/protocol.ts';
import type { PushContext } from './push-context.ts';
import type { Proxy } from './proxy.ts';

export interface InboundPort {
  readonly port: number;
  readonly name: string;
  readonly protocol: Protocol;
  /** The services that reach the workload on this port (for metadata and route decorators). */
  readonly services: readonly { readonly hostname: string; readonly name: string; readonly namespace: string; readonly servicePort: number }[];
}

export function inboundPorts(proxy: Proxy, push: PushContext): InboundPort[] {
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
