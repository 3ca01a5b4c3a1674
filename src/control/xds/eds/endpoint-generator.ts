/**
 * EDS: one ClusterLoadAssignment per subscribed EDS cluster (`outbound|<port>|<subset>|<host>`),
 * for sidecars and proxyless gRPC alike. A name the proxy cannot see (unknown host, a service
 * outside its Sidecar scope, a cluster that is not EDS) is left out.
 */
import { TypeUrls } from '../../../core/xds/type-urls.ts';
import { parseClusterName } from '../../model/names.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { Proxy } from '../../model/proxy.ts';
import type { Generator, XdsResource } from '../generator.ts';
import { buildLoadAssignment } from './load-assignment.ts';

/** The cluster names of every EDS cluster the proxy sees (what a wildcard EDS subscription gets). */
function allEdsClusters(proxy: Proxy, push: PushContext): string[] {
  const names: string[] = [];
  for (const svc of push.sidecarScope(proxy).services) {
    if (svc.resolution !== 'ClientSideLB') continue;
    const subsets = push.destinationRules.forService(proxy, svc)?.spec.subsets ?? [];
    for (const p of svc.ports) {
      if (p.protocol === 'UDP') continue;
      names.push(`outbound|${p.port}||${svc.hostname}`, ...subsets.map((s) => `outbound|${p.port}|${s.name}|${svc.hostname}`));
    }
  }
  return names;
}

export function generateEndpoints(proxy: Proxy, push: PushContext, names: readonly string[] | undefined): XdsResource[] {
  const scope = push.sidecarScope(proxy);
  const out: XdsResource[] = [];
  for (const name of names ?? allEdsClusters(proxy, push)) {
    const key = parseClusterName(name);
    if (!key || key.direction !== 'outbound') continue;
    const svc = scope.service(key.host);
    const port = svc?.ports.find((p) => p.port === key.port);
    if (!svc || !port || svc.resolution !== 'ClientSideLB') continue;
    let labels;
    if (key.subset !== '') {
      const subset = push.destinationRules.subset(proxy, svc, key.subset);
      if (!subset) continue;
      labels = subset.labels ?? {};
    }
    const eps = push.endpoints(svc.hostname).filter((e) => e.servicePort === port.port);
    out.push({ name, resource: buildLoadAssignment(name, eps, labels, push.mesh.clusterId) });
  }
  return out;
}

export const edsGenerator = {
  typeUrl: TypeUrls.clusterLoadAssignment,
  generate: generateEndpoints,
} satisfies Generator;
