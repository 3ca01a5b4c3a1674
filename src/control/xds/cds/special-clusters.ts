/**
 * The clusters every sidecar has besides its outbound ones: `inbound|<port>||` per served port
 * (ORIGINAL_DST, bound to 127.0.0.6 so the app's iptables let it through, speaking HTTP/2 or the
 * downstream's protocol upstream as the port's protocol says), PassthroughCluster
 * (to wherever the app dialled), BlackHoleCluster (nowhere), InboundPassthroughCluster.
 */
import type { InboundPort } from '../../model/inbound-ports.ts';
import { BLACKHOLE_CLUSTER, INBOUND_BIND_ADDRESS, INBOUND_PASSTHROUGH_CLUSTER, inboundClusterName, PASSTHROUGH_CLUSTER } from '../../model/names.ts';
import type { Json } from '../generator.ts';
import { httpProtocolOptions } from './connection-pool.ts';

const bindTo127006 = { sourceAddress: { address: INBOUND_BIND_ADDRESS, portValue: 0 } };

/** Istio's setUpstreamProtocol for inbound: HTTP/2 for http2/grpc ports, the downstream's protocol for sniffed ports. */
export function inboundCluster(p: InboundPort, connectTimeout: string): Json {
  const protocolOptions = httpProtocolOptions(undefined, p.protocol);
  return {
    name: inboundClusterName(p.port),
    type: 'ORIGINAL_DST',
    connectTimeout,
    lbPolicy: 'CLUSTER_PROVIDED',
    upstreamBindConfig: bindTo127006,
    ...(protocolOptions ? { typedExtensionProtocolOptions: protocolOptions } : {}),
    metadata: { filterMetadata: { istio: { services: p.services.map((s) => ({ host: s.hostname, name: s.name, namespace: s.namespace })) } } },
  };
}

export function passthroughCluster(connectTimeout: string): Json {
  return { name: PASSTHROUGH_CLUSTER, type: 'ORIGINAL_DST', connectTimeout, lbPolicy: 'CLUSTER_PROVIDED' };
}

export function blackHoleCluster(connectTimeout: string): Json {
  return { name: BLACKHOLE_CLUSTER, type: 'STATIC', connectTimeout };
}

export function inboundPassthroughCluster(connectTimeout: string): Json {
  return { name: INBOUND_PASSTHROUGH_CLUSTER, type: 'ORIGINAL_DST', connectTimeout, lbPolicy: 'CLUSTER_PROVIDED', upstreamBindConfig: bindTo127006 };
}
