/**
 * Istio's metadata on xDS resources: a cluster's `filter_metadata.istio.services[0]` (the
 * service behind it, for destination_service*) and an endpoint's `filter_metadata.istio.workload`
 * ("workload;namespace;canonical-name;canonical-revision;cluster", the destination peer).
 */
import type { ServiceMetadata } from '../../cluster/cluster.ts';
import { fromEndpointMetadata, type WorkloadMetadata } from '../../stats/workload-metadata.ts';
import { list, obj, str, type At, type Obj } from './fields.ts';

function istioOf(metadata: unknown, at: At): Obj {
  return obj(obj(obj(metadata, at)['filterMetadata'], at.field('filterMetadata'))['istio'], at.field('filterMetadata.istio'));
}

export function istioService(metadata: unknown, at: At): ServiceMetadata | undefined {
  const services = list(istioOf(metadata, at)['services'], at.field('filterMetadata.istio.services'));
  if (services.length === 0) return undefined;
  const s0 = at.field('filterMetadata.istio.services').index(0);
  const s = obj(services[0], s0);
  return { host: str(s['host'], s0.field('host'), true), name: str(s['name'], s0.field('name')) || 'unknown', namespace: str(s['namespace'], s0.field('namespace')) || 'unknown' };
}

export function istioWorkload(metadata: unknown, at: At): WorkloadMetadata | undefined {
  const w = istioOf(metadata, at)['workload'];
  if (w === undefined) return undefined;
  const value = str(w, at.field('filterMetadata.istio.workload'));
  return fromEndpointMetadata(value) ?? at.field('filterMetadata.istio.workload').fail(`${JSON.stringify(value)}: expected "workload;namespace;canonical-name;canonical-revision;cluster"`);
}
