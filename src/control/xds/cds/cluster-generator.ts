/**
 * CDS. Sidecars get (wildcard) an outbound cluster per visible service port and per
 * DestinationRule subset, an inbound cluster per served port (ORIGINAL_DST; STATIC to a Sidecar
 * ingress listener's defaultEndpoint when it names one), and the three special clusters.
 * Proxyless gRPC gets only outbound EDS clusters (the names its routes use), with the load
 * balancers and fields gRPC supports.
 */
import { TypeUrls } from '../../../core/xds/type-urls.ts';
import { inboundPorts, type InboundPort } from '../../model/inbound-ports.ts';
import { parseClusterName } from '../../model/names.ts';
import type { GeneratorFlavour, Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { Service } from '../../registry/model.ts';
import { filterNames, type Generator, type Json, type XdsResource } from '../generator.ts';
import { buildOutboundCluster } from './outbound-cluster.ts';
import { blackHoleCluster, inboundCluster, inboundPassthroughCluster, passthroughCluster } from './special-clusters.ts';

function outboundClusters(proxy: Proxy, push: PushContext, services: readonly Service[], flavour: GeneratorFlavour, wanted?: ReadonlySet<string>): Json[] {
  const out: Json[] = [];
  for (const service of services) {
    if (flavour === 'grpc' && service.resolution !== 'ClientSideLB') continue;
    const rule = push.destinationRules.forService(proxy, service);
    for (const port of service.ports) {
      if (port.protocol === 'UDP') continue;
      const want = (subset: string): boolean => !wanted || wanted.has(`outbound|${port.port}|${subset}|${service.hostname}`);
      if (want('')) out.push(buildOutboundCluster({ push, service, port, rule, flavour }));
      for (const subset of rule?.spec.subsets ?? []) {
        if (want(subset.name)) out.push(buildOutboundCluster({ push, service, port, rule, subset, flavour }));
      }
    }
  }
  return out;
}

/** Istio's buildInboundClustersFromSidecar: a defaultEndpoint makes the cluster STATIC with that one endpoint. */
function sidecarInboundCluster(p: InboundPort, connectTimeout: string): Json {
  const cluster = inboundCluster(p, connectTimeout);
  if (!p.endpoint) return cluster;
  const { lbPolicy: _lb, ...rest } = cluster;
  return {
    ...rest,
    type: 'STATIC',
    loadAssignment: {
      clusterName: cluster['name'],
      endpoints: [{ lbEndpoints: [{ endpoint: { address: { socketAddress: { address: p.endpoint.address, portValue: p.endpoint.port } } } }] }],
    },
  };
}

/** Only the services the names mention, so named (gRPC) requests do not build every cluster. */
function servicesNamed(push: PushContext, proxy: Proxy, names: readonly string[]): Service[] {
  const scope = push.sidecarScope(proxy);
  const hosts = new Set(names.map((n) => parseClusterName(n)?.host).filter((h): h is string => h !== undefined));
  return [...hosts].map((h) => scope.service(h)).filter((s): s is Service => s !== undefined);
}

export function generateSidecarClusters(proxy: Proxy, push: PushContext, names?: readonly string[]): XdsResource[] {
  const timeout = push.mesh.connectTimeout;
  const services = names ? servicesNamed(push, proxy, names) : push.sidecarScope(proxy).services;
  const clusters = [
    ...outboundClusters(proxy, push, services, 'sidecar', names ? new Set(names) : undefined),
    ...inboundPorts(proxy, push).map((p) => sidecarInboundCluster(p, timeout)),
    blackHoleCluster(timeout), inboundPassthroughCluster(timeout), passthroughCluster(timeout),
  ];
  return filterNames(clusters.map((c) => ({ name: String(c['name']), resource: c })), names);
}

export function generateGrpcClusters(proxy: Proxy, push: PushContext, names?: readonly string[]): XdsResource[] {
  const services = names ? servicesNamed(push, proxy, names) : push.sidecarScope(proxy).services;
  const clusters = outboundClusters(proxy, push, services, 'grpc', names ? new Set(names) : undefined);
  return filterNames(clusters.map((c) => ({ name: String(c['name']), resource: c })), names);
}

export const cdsGenerator = { typeUrl: TypeUrls.cluster, generate: generateSidecarClusters } satisfies Generator;
export const grpcCdsGenerator = { typeUrl: TypeUrls.cluster, generate: generateGrpcClusters } satisfies Generator;
