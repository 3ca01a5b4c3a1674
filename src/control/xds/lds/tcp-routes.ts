/**
 * Where a TCP listener for a service port sends connections: the first `tcp` rule of the host's
 * VirtualService whose match applies (port, destinationSubnets for the listener's address,
 * sourceLabels/sourceNamespace of this proxy, mesh gateway), as one cluster or weighted clusters;
 * else the service's default cluster. The DestinationRule's tcp.idleTimeout sets the idle timeout.
 */
import { BlockList, isIP } from 'node:net';
import type { L4MatchAttributes } from '../../config/types/l4-route.ts';
import { selects } from '../../model/labels.ts';
import { clusterName } from '../../model/names.ts';
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { Service } from '../../registry/model.ts';
import { effectivePolicy } from '../cds/traffic-policy.ts';
import { resolveDestination } from '../rds/route-destination.ts';
import { protoDuration } from '../type-config.ts';
import type { TcpTarget } from './network-filters.ts';

function inSubnets(address: string | undefined, subnets: readonly string[]): boolean {
  if (!address || isIP(address) === 0) return false;
  const list = new BlockList();
  for (const s of subnets) {
    const [ip = '', bits] = s.split('/');
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (isIP(ip) === 0) continue;
    if (bits === undefined) list.addAddress(ip, family);
    else list.addSubnet(ip, Number(bits), family);
  }
  return list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

function applies(m: L4MatchAttributes, proxy: Proxy, port: number, address: string | undefined): boolean {
  if (m.port !== undefined && m.port !== port) return false;
  if (m.destinationSubnets && m.destinationSubnets.length > 0 && !inSubnets(address, m.destinationSubnets)) return false;
  if (m.sourceLabels && !selects(m.sourceLabels, proxy.labels)) return false;
  if (m.sourceNamespace !== undefined && m.sourceNamespace !== proxy.namespace) return false;
  if (m.gateways && m.gateways.length > 0 && !m.gateways.includes('mesh')) return false;
  return true;
}

export function tcpTarget(proxy: Proxy, push: PushContext, svc: Service, port: number): TcpTarget {
  const fallback = clusterName('outbound', port, '', svc.hostname);
  const idle = effectivePolicy(push.destinationRules.forService(proxy, svc)?.spec, port).connectionPool?.tcp?.idleTimeout;
  const base = { statPrefix: fallback, ...(idle ? { idleTimeout: protoDuration(idle) } : {}) };
  const vs = push.virtualServiceFor(proxy, svc.hostname);
  const rule = vs?.resource.spec.tcp?.find((r) => !r.match || r.match.length === 0 || r.match.some((m) => applies(m, proxy, port, svc.address)));
  if (!vs || !rule?.route || rule.route.length === 0) return { ...base, cluster: fallback };
  const ctx = { push, proxy, configNamespace: vs.resource.metadata.namespace, listenerPort: port };
  const live = rule.route.length > 1 ? rule.route.filter((d) => (d.weight ?? 0) > 0) : rule.route;
  if (live.length === 1 && live[0]) {
    const cluster = resolveDestination(live[0].destination, ctx).cluster;
    return { ...base, statPrefix: cluster, cluster };
  }
  return { ...base, weightedClusters: live.map((d) => ({ name: resolveDestination(d.destination, ctx).cluster, weight: d.weight ?? 0 })) };
}
