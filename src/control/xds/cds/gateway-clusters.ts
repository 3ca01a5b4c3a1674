/**
 * CDS for gateways: what a sidecar gets outbound (a cluster per visible service port and per
 * DestinationRule subset, `outbound|<port>|<subset>|<host>`, the clusters gateway routes name),
 * plus BlackHoleCluster and PassthroughCluster; no inbound clusters, since nothing is
 * intercepted into a gateway. Gateways see every exported service (no Sidecar scoping).
 */
import { TypeUrls } from '../../../core/xds/type-urls.ts';
import { INBOUND_PASSTHROUGH_CLUSTER } from '../../model/names.ts';
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { Generator, XdsResource } from '../generator.ts';
import { generateSidecarClusters } from './cluster-generator.ts';

export function generateGatewayClusters(proxy: Proxy, push: PushContext, names?: readonly string[]): XdsResource[] {
  return generateSidecarClusters(proxy, push, names).filter((c) => !c.name.startsWith('inbound|') && c.name !== INBOUND_PASSTHROUGH_CLUSTER);
}

export const gatewayCdsGenerator = { typeUrl: TypeUrls.cluster, generate: generateGatewayClusters } satisfies Generator;
