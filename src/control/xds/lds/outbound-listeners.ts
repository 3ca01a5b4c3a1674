/**
 * The outbound listeners virtualOutbound hands connections to (bindToPort false, matched by the
 * original destination): per HTTP port one `0.0.0.0_<port>` listener whose HCM takes routes from
 * RDS "<port>"; per TCP service port with a VIP one `<VIP>_<port>` listener with tcp_proxy; a TCP
 * service port without VIP gets `0.0.0.0_<port>` unless an HTTP listener holds that port (the
 * first service, by host name, wins, as in Istio's conflict handling).
 */
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import { isHttpProtocol } from '../../registry/protocol.ts';
import type { Json } from '../generator.ts';
import { outboundHttpConnectionManager, tcpProxyFilter } from './network-filters.ts';
import { tcpTarget } from './tcp-routes.ts';

function listener(name: string, address: string, port: number, filters: Json[]): Json {
  return {
    name,
    address: { socketAddress: { address, portValue: port } },
    filterChains: [{ filters }],
    bindToPort: false,
    trafficDirection: 'OUTBOUND',
  };
}

export function outboundListeners(proxy: Proxy, push: PushContext): Json[] {
  const services = push.sidecarScope(proxy).services;
  const httpPorts = new Set<number>();
  for (const s of services) for (const p of s.ports) if (isHttpProtocol(p.protocol)) httpPorts.add(p.port);
  const byName = new Map<string, Json>();
  for (const port of httpPorts) byName.set(`0.0.0.0_${port}`, listener(`0.0.0.0_${port}`, '0.0.0.0', port, [outboundHttpConnectionManager(port)]));
  for (const svc of services) {
    for (const p of svc.ports) {
      if (isHttpProtocol(p.protocol) || p.protocol === 'UDP') continue;
      const address = svc.address ?? '0.0.0.0';
      const name = `${address}_${p.port}`;
      if (byName.has(name)) continue;
      byName.set(name, listener(name, address, p.port, [tcpProxyFilter(tcpTarget(proxy, push, svc, p.port))]));
    }
  }
  return [...byName.keys()].sort().map((k) => byName.get(k) as Json);
}
