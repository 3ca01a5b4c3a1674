/**
 * The two listeners iptables sends traffic to. virtualOutbound (15001) uses the original
 * destination to pick an outbound listener and otherwise passes through (or drops, under
 * REGISTRY_ONLY). virtualInbound (15006) has filter chains per served port (HTTP or TCP to
 * `inbound|<port>||`; a port with an undeclared protocol gets both, the HTTP one matching the
 * sniffed application protocols) and, for everything else, InboundPassthroughFilterChain (TCP)
 * with its HTTP variant `virtualInbound-catchall-http` (an inline route to
 * InboundPassthroughCluster). http_inspector runs for the sniffed ports and the passthrough,
 * disabled (filter_disabled) on the declared ports, so those are never held up.
 */
import type { InboundPort } from '../../model/inbound-ports.ts';
import type { OutboundTrafficPolicyMode } from '../../model/mesh-config.ts';
import {
  BLACKHOLE_CLUSTER, INBOUND_PASSTHROUGH_CLUSTER, inboundClusterName, PASSTHROUGH_CLUSTER, VIRTUAL_INBOUND, VIRTUAL_INBOUND_PORT,
  VIRTUAL_OUTBOUND, VIRTUAL_OUTBOUND_PORT,
} from '../../model/names.ts';
import { isHttpProtocol, isSniffedProtocol, SNIFFED_HTTP_PROTOCOLS } from '../../registry/protocol.ts';
import type { Json } from '../generator.ts';
import { httpInspectorFilter, ORIGINAL_DST_FILTER, portsPredicate, sniffingTimeout } from './listener-filters.ts';
import { inboundHttpConnectionManager, tcpProxyFilter } from './network-filters.ts';

/** Istio's name for the passthrough chain that takes sniffed HTTP. */
export const INBOUND_CATCHALL_HTTP = 'virtualInbound-catchall-http';

export function virtualOutbound(policy: OutboundTrafficPolicyMode): Json {
  const cluster = policy === 'REGISTRY_ONLY' ? BLACKHOLE_CLUSTER : PASSTHROUGH_CLUSTER;
  return {
    name: VIRTUAL_OUTBOUND,
    address: { socketAddress: { address: '0.0.0.0', portValue: VIRTUAL_OUTBOUND_PORT } },
    filterChains: [{ name: 'PassthroughFilterChain', filters: [tcpProxyFilter({ statPrefix: cluster, cluster })] }],
    useOriginalDst: true,
    trafficDirection: 'OUTBOUND',
  };
}

const sniffed = { applicationProtocols: [...SNIFFED_HTTP_PROTOCOLS] };

function inboundChains(p: InboundPort): Json[] {
  const cluster = inboundClusterName(p.port);
  const svc = p.services[0];
  const operation = svc ? `${svc.hostname}:${svc.servicePort}/*` : `${cluster}/*`;
  const http = inboundHttpConnectionManager(p.port, cluster, operation);
  const tcp = tcpProxyFilter({ statPrefix: cluster, cluster });
  const match = { destinationPort: p.port };
  if (isSniffedProtocol(p.protocol)) {
    return [
      { name: cluster, filterChainMatch: { ...match, ...sniffed }, filters: [http] },
      { name: cluster, filterChainMatch: match, filters: [tcp] },
    ];
  }
  return [{ name: cluster, filterChainMatch: match, filters: [isHttpProtocol(p.protocol) ? http : tcp] }];
}

function passthroughChains(): Json[] {
  const cluster = INBOUND_PASSTHROUGH_CLUSTER;
  return [
    { name: INBOUND_CATCHALL_HTTP, filterChainMatch: sniffed, filters: [inboundHttpConnectionManager(0, cluster, `${cluster}/*`)] },
    { name: 'InboundPassthroughFilterChain', filters: [tcpProxyFilter({ statPrefix: cluster, cluster })] },
  ];
}

export function virtualInbound(ports: readonly InboundPort[], protocolDetectionTimeout: string): Json {
  const declared = portsPredicate(ports.filter((p) => !isSniffedProtocol(p.protocol)).map((p) => p.port));
  return {
    name: VIRTUAL_INBOUND,
    address: { socketAddress: { address: '0.0.0.0', portValue: VIRTUAL_INBOUND_PORT } },
    filterChains: [...ports.flatMap(inboundChains), ...passthroughChains()],
    listenerFilters: [ORIGINAL_DST_FILTER, httpInspectorFilter(declared)],
    ...sniffingTimeout(protocolDetectionTimeout),
    trafficDirection: 'INBOUND',
  };
}
