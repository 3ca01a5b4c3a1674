/**
 * The two listeners iptables sends traffic to. virtualOutbound (15001) uses the original
 * destination to pick an outbound listener and otherwise passes through (or drops, under
 * REGISTRY_ONLY). virtualInbound (15006) has a filter chain per served port (HTTP or TCP to
 * `inbound|<port>||`) and InboundPassthroughFilterChain for everything else.
 */
import type { InboundPort } from '../../model/inbound-ports.ts';
import type { OutboundTrafficPolicyMode } from '../../model/mesh-config.ts';
import {
  BLACKHOLE_CLUSTER, INBOUND_PASSTHROUGH_CLUSTER, inboundClusterName, PASSTHROUGH_CLUSTER, VIRTUAL_INBOUND, VIRTUAL_INBOUND_PORT,
  VIRTUAL_OUTBOUND, VIRTUAL_OUTBOUND_PORT,
} from '../../model/names.ts';
import { isHttpProtocol } from '../../registry/protocol.ts';
import type { Json } from '../generator.ts';
import { ExtensionTypes, FilterNames } from '../type-config.ts';
import { inboundHttpConnectionManager, tcpProxyFilter } from './network-filters.ts';

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

function inboundChain(p: InboundPort): Json {
  const cluster = inboundClusterName(p.port);
  const svc = p.services[0];
  const operation = svc ? `${svc.hostname}:${svc.servicePort}/*` : `${cluster}/*`;
  return {
    name: cluster,
    filterChainMatch: { destinationPort: p.port },
    filters: [isHttpProtocol(p.protocol) ? inboundHttpConnectionManager(p.port, cluster, operation) : tcpProxyFilter({ statPrefix: cluster, cluster })],
  };
}

export function virtualInbound(ports: readonly InboundPort[]): Json {
  return {
    name: VIRTUAL_INBOUND,
    address: { socketAddress: { address: '0.0.0.0', portValue: VIRTUAL_INBOUND_PORT } },
    filterChains: [
      ...ports.map(inboundChain),
      { name: 'InboundPassthroughFilterChain', filters: [tcpProxyFilter({ statPrefix: INBOUND_PASSTHROUGH_CLUSTER, cluster: INBOUND_PASSTHROUGH_CLUSTER })] },
    ],
    listenerFilters: [{ name: FilterNames.originalDst, typedConfig: { '@type': ExtensionTypes.originalDst } }],
    trafficDirection: 'INBOUND',
  };
}
