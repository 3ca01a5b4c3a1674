/**
 * ServiceEndpoints -> a ClusterLoadAssignment (Istio's endpoint builder): endpoints grouped by
 * locality, each locality weighted by the sum of its endpoints' weights (a locality without a
 * weight makes proxyless gRPC fail every call), readiness as HEALTHY/UNHEALTHY, and Istio's
 * workload metadata `<workload>;<ns>;<canonical name>;<canonical revision>;<cluster>`.
 * A subset keeps only the endpoints whose labels its selector matches.
 */
import { canonicalName, canonicalRevision, selects } from '../../model/labels.ts';
import type { Labels, ServiceEndpoint } from '../../registry/model.ts';
import type { Json } from '../generator.ts';
import { compact } from '../type-config.ts';

function locality(s: string): Json {
  const [region, zone, subZone] = s.split('/');
  return compact({ region: region || undefined, zone: zone || undefined, subZone: subZone || undefined });
}

function lbEndpoint(ep: ServiceEndpoint, clusterId: string): Json {
  const workload = [ep.workloadName, ep.namespace, canonicalName(ep.labels, ep.workloadName), canonicalRevision(ep.labels), clusterId].join(';');
  return {
    endpoint: { address: { socketAddress: { address: ep.address, portValue: ep.port } } },
    healthStatus: ep.ready ? 'HEALTHY' : 'UNHEALTHY',
    metadata: { filterMetadata: { istio: { workload } } },
    loadBalancingWeight: ep.weight,
  };
}

export function localityLbEndpoints(endpoints: readonly ServiceEndpoint[], subsetLabels: Labels | undefined, clusterId: string): Json[] {
  const groups = new Map<string, ServiceEndpoint[]>();
  for (const ep of endpoints) {
    if (!selects(subsetLabels, ep.labels)) continue;
    const g = groups.get(ep.locality);
    if (g) g.push(ep);
    else groups.set(ep.locality, [ep]);
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([loc, eps]) => {
    const sorted = [...eps].sort((a, b) => a.address.localeCompare(b.address) || a.port - b.port);
    return {
      locality: locality(loc),
      lbEndpoints: sorted.map((ep) => lbEndpoint(ep, clusterId)),
      loadBalancingWeight: sorted.reduce((sum, ep) => sum + ep.weight, 0),
    };
  });
}

export function buildLoadAssignment(clusterName: string, endpoints: readonly ServiceEndpoint[], subsetLabels: Labels | undefined, clusterId: string): Json {
  return { clusterName, endpoints: localityLbEndpoints(endpoints, subsetLabels, clusterId) };
}
