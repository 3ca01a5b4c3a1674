/**
 * One outbound cluster, `outbound|<port>|<subset>|<host>` (Istio's cluster builder): the
 * discovery type from the service's resolution (EDS for ClientSideLB, ORIGINAL_DST for
 * Passthrough, STRICT_DNS/LOGICAL_DNS with an inline load assignment for DNS), then the merged
 * DestinationRule policy (load balancer, connection pool, outlier detection, TLS), and Istio's
 * metadata (services, default_original_port, subset, the DestinationRule's config path).
 */
import type { Resource } from '../../config/resource.ts';
import type { Subset } from '../../config/types/destination-rule.ts';
import { clusterName } from '../../model/names.ts';
import type { GeneratorFlavour } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { Service, ServicePort } from '../../registry/model.ts';
import { localityLbEndpoints } from '../eds/load-assignment.ts';
import type { Json } from '../generator.ts';
import { ADS_CONFIG_SOURCE } from '../type-config.ts';
import { connectionPoolFields } from './connection-pool.ts';
import { loadBalancerFields } from './load-balancer.ts';
import { outlierDetectionFields } from './outlier-detection.ts';
import { effectivePolicy } from './traffic-policy.ts';
import { upstreamTransportSocket } from './upstream-tls.ts';

const DISCOVERY: Readonly<Record<Service['resolution'], string>> = {
  ClientSideLB: 'EDS', Passthrough: 'ORIGINAL_DST', DNSLB: 'STRICT_DNS', DNSRoundRobinLB: 'LOGICAL_DNS',
};

export const drConfigPath = (dr: Resource<'DestinationRule'>): string =>
  `/apis/networking.istio.io/v1/namespaces/${dr.metadata.namespace}/destination-rule/${dr.metadata.name}`;

export interface OutboundClusterInput {
  readonly push: PushContext;
  readonly service: Service;
  readonly port: ServicePort;
  readonly rule: Resource<'DestinationRule'> | undefined;
  readonly subset?: Subset;
  readonly flavour: GeneratorFlavour;
}

export function buildOutboundCluster(input: OutboundClusterInput): Json {
  const { push, service, port, rule, subset, flavour } = input;
  const name = clusterName('outbound', port.port, subset?.name ?? '', service.hostname);
  const policy = effectivePolicy(rule?.spec, port.port, subset);
  const lb = loadBalancerFields(policy.loadBalancer, flavour);
  const type = lb.passthrough ? 'ORIGINAL_DST' : DISCOVERY[service.resolution];
  const pool = connectionPoolFields(policy.connectionPool, port.protocol, push.mesh.connectTimeout);
  const cluster: Json = { name, type, connectTimeout: pool.connectTimeout };
  if (type === 'EDS') cluster['edsClusterConfig'] = { edsConfig: ADS_CONFIG_SOURCE, serviceName: name };
  cluster['lbPolicy'] = type === 'ORIGINAL_DST' ? 'CLUSTER_PROVIDED' : lb.lbPolicy;
  if (type !== 'ORIGINAL_DST' && lb.ringHashLbConfig) cluster['ringHashLbConfig'] = lb.ringHashLbConfig;
  if (type !== 'ORIGINAL_DST' && lb.maglevLbConfig) cluster['maglevLbConfig'] = lb.maglevLbConfig;
  if (type !== 'ORIGINAL_DST' && lb.roundRobinLbConfig) cluster['roundRobinLbConfig'] = lb.roundRobinLbConfig;
  if (type !== 'ORIGINAL_DST' && lb.leastRequestLbConfig) cluster['leastRequestLbConfig'] = lb.leastRequestLbConfig;
  if (type === 'STRICT_DNS' || type === 'LOGICAL_DNS') {
    const eps = push.endpoints(service.hostname).filter((e) => e.servicePort === port.port);
    const groups = localityLbEndpoints(eps, subset?.labels, push.mesh.clusterId);
    cluster['loadAssignment'] = { clusterName: name, endpoints: type === 'LOGICAL_DNS' ? groups.slice(0, 1).map((g) => ({ ...g, lbEndpoints: g['lbEndpoints'] ? (g['lbEndpoints'] as Json[]).slice(0, 1) : [] })) : groups };
    cluster['dnsLookupFamily'] = 'V4_ONLY';
    cluster['respectDnsTtl'] = true;
  }
  cluster['circuitBreakers'] = pool.circuitBreakers;
  if (pool.typedExtensionProtocolOptions && flavour === 'sidecar') cluster['typedExtensionProtocolOptions'] = pool.typedExtensionProtocolOptions;
  if (pool.upstreamConnectionOptions && flavour === 'sidecar') cluster['upstreamConnectionOptions'] = pool.upstreamConnectionOptions;
  Object.assign(cluster, outlierDetectionFields(policy.outlierDetection));
  const socket = flavour === 'sidecar' ? upstreamTransportSocket(policy.tls, { port: port.port, subset: subset?.name ?? '', host: service.hostname }) : undefined;
  if (socket) cluster['transportSocket'] = socket;
  cluster['metadata'] = {
    filterMetadata: {
      istio: {
        ...(rule ? { config: drConfigPath(rule) } : {}),
        default_original_port: port.port,
        services: [{ host: service.hostname, name: service.name, namespace: service.namespace }],
        ...(subset ? { subset: subset.name } : {}),
      },
    },
  };
  return cluster;
}
