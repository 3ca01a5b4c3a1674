/**
 * RouteConfiguration (RDS, or inline in an HTTP connection manager) -> RouteConfig: virtual
 * hosts with lower-cased domains (unique across hosts, as Envoy insists), each route's
 * destination (cluster, weighted clusters, or a direct response / redirect). Match criteria
 * are carried in the resource but not evaluated until the HTTP codecs arrive.
 */
import type { ClusterTarget, RouteConfig, RouteEntry, VirtualHost } from '../../route/route-config.ts';
import { At, list, obj, str, uint } from './fields.ts';

export function weightedTarget(v: unknown, at: At): ClusterTarget {
  const clusters = list(obj(v, at)['clusters'], at.field('clusters')).map((c, i) => {
    const w = obj(c, at.field('clusters').index(i));
    return { name: str(w['name'], at.field('clusters').index(i).field('name'), true), weight: uint(w['weight'], at.field('clusters').index(i).field('weight'), 0) };
  });
  if (clusters.length === 0) at.field('clusters').fail('needs at least one cluster');
  const total = clusters.reduce((n, c) => n + c.weight, 0);
  if (total === 0) at.field('clusters').fail('the weights add up to 0');
  return { kind: 'weighted', clusters: clusters.filter((c) => c.weight > 0), total };
}

function route(v: unknown, at: At): RouteEntry {
  const r = obj(v, at);
  const name = str(r['name'], at.field('name'));
  if (r['directResponse'] !== undefined) return { name, target: { kind: 'direct', what: 'direct_response', status: uint(obj(r['directResponse'], at.field('directResponse'))['status'], at.field('directResponse.status'), 0) } };
  if (r['redirect'] !== undefined) return { name, target: { kind: 'direct', what: 'redirect', status: 301 } };
  const action = obj(r['route'], at.field('route'));
  if (action['cluster'] !== undefined) return { name, target: { kind: 'cluster', cluster: str(action['cluster'], at.field('route.cluster'), true) } };
  if (action['weightedClusters'] !== undefined) return { name, target: weightedTarget(action['weightedClusters'], at.field('route.weightedClusters')) };
  if (action['clusterHeader'] !== undefined) at.field('route.clusterHeader').fail('is not supported');
  return at.field('route').fail('needs a cluster or weightedClusters (or the route a directResponse or redirect)');
}

function virtualHost(v: unknown, at: At): VirtualHost {
  const vh = obj(v, at);
  const domains = list(vh['domains'], at.field('domains')).map((d, i) => str(d, at.field('domains').index(i), true).toLowerCase());
  if (domains.length === 0) at.field('domains').fail('needs at least one domain');
  return {
    name: str(vh['name'], at.field('name'), true),
    domains,
    routes: list(vh['routes'], at.field('routes')).map((r, i) => route(r, at.field('routes').index(i))),
  };
}

/** `owner` names where an inline configuration sits (e.g. the listener's filter). */
export function translateRouteConfiguration(v: unknown, owner?: At): RouteConfig {
  const rc = obj(v, owner ?? new At('RouteConfiguration'));
  const name = str(rc['name'], owner?.field('name') ?? new At('RouteConfiguration', 'name'), owner === undefined);
  const at = owner ?? new At(`RouteConfiguration ${name}`);
  const virtualHosts = list(rc['virtualHosts'], at.field('virtualHosts')).map((vh, i) => virtualHost(vh, at.field('virtualHosts').index(i)));
  const seen = new Map<string, string>();
  virtualHosts.forEach((vh, i) => {
    for (const d of vh.domains) {
      const other = seen.get(d);
      if (other !== undefined) at.field('virtualHosts').index(i).field('domains').fail(`duplicate domain ${JSON.stringify(d)} (also in virtual host ${other})`);
      seen.set(d, vh.name);
    }
  });
  return { name, virtualHosts };
}
