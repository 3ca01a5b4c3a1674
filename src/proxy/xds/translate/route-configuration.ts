/**
 * RouteConfiguration (RDS, or inline in an HTTP connection manager) -> RouteConfig: virtual
 * hosts with lower-cased domains (unique across hosts, wildcards only at either end, as Envoy
 * insists), each with its routes (route-entry.ts), header edits, retry policy and per-filter
 * settings; the configuration's own header edits, per-filter settings and host matching
 * options. VHDS, cluster specifier plugins, internal-only headers, virtual clusters, rate
 * limits, hedging, require_tls and mirrors outside routes are refused. Also weightedTarget, the
 * weighted clusters of tcp_proxy.
 */
import type { ClusterTarget, RouteConfig, VirtualHost } from '../../route/route-config.ts';
import { At, bool, list, obj, oneOf, str, uint } from './fields.ts';
import { onlyFields } from './route-fields.ts';
import { perFilterConfig } from './route-filter-config.ts';
import { HEADER_FIELDS, headerMutations } from './route-headers.ts';
import { translateRetryPolicy } from './route-retry.ts';
import { translateRoute } from './route-entry.ts';

/** tcp_proxy's weighted_clusters (name and weight only). */
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

function domain(v: unknown, at: At): string {
  const d = str(v, at, true).toLowerCase();
  if (d !== '*' && (d.slice(1, -1).includes('*') || (d.startsWith('*') && d.endsWith('*')))) at.fail(`${JSON.stringify(d)}: a wildcard may only be a prefix or a suffix`);
  return d;
}

function virtualHost(v: unknown, at: At, maxBody: number): VirtualHost {
  const vh = obj(v, at);
  onlyFields(vh, at, ['name', 'domains', 'routes', ...HEADER_FIELDS, 'typedPerFilterConfig', 'includeRequestAttemptCount', 'includeAttemptCountInResponse',
    'retryPolicy', 'requireTls', 'includeIsTimeoutRetryHeader', 'perRequestBufferLimitBytes', 'metadata', 'cors']);
  oneOf(vh['requireTls'], at.field('requireTls'), ['NONE'], 'NONE', 'Mizzen terminates no TLS on HTTP listeners');
  if (vh['cors'] !== undefined && vh['cors'] !== null) at.field('cors').fail('is not supported (put CORS on the route or in typedPerFilterConfig)');
  const domains = list(vh['domains'], at.field('domains')).map((d, i) => domain(d, at.field('domains').index(i)));
  if (domains.length === 0) at.field('domains').fail('needs at least one domain');
  return {
    name: str(vh['name'], at.field('name'), true),
    domains,
    routes: list(vh['routes'], at.field('routes')).map((r, i) => translateRoute(r, at.field('routes').index(i), maxBody)),
    headers: headerMutations(vh, at),
    retryPolicy: vh['retryPolicy'] === undefined || vh['retryPolicy'] === null ? undefined : translateRetryPolicy(vh['retryPolicy'], at.field('retryPolicy')),
    perFilter: perFilterConfig(vh['typedPerFilterConfig'], at.field('typedPerFilterConfig')),
    includeRequestAttemptCount: bool(vh['includeRequestAttemptCount'], false),
    includeAttemptCountInResponse: bool(vh['includeAttemptCountInResponse'], false),
  };
}

/** `owner` names where an inline configuration sits (e.g. the listener's filter). */
export function translateRouteConfiguration(v: unknown, owner?: At): RouteConfig {
  const rc = obj(v, owner ?? new At('RouteConfiguration'));
  const name = str(rc['name'], owner?.field('name') ?? new At('RouteConfiguration', 'name'), owner === undefined);
  const at = owner ?? new At(`RouteConfiguration ${name}`);
  onlyFields(rc, at, ['name', 'virtualHosts', ...HEADER_FIELDS, 'mostSpecificHeaderMutationsWins', 'validateClusters', 'maxDirectResponseBodySizeBytes',
    'ignorePortInHostMatching', 'typedPerFilterConfig', 'metadata']);
  const maxBody = uint(rc['maxDirectResponseBodySizeBytes'], at.field('maxDirectResponseBodySizeBytes'), 4096);
  const virtualHosts = list(rc['virtualHosts'], at.field('virtualHosts')).map((vh, i) => virtualHost(vh, at.field('virtualHosts').index(i), maxBody));
  const seen = new Map<string, string>();
  virtualHosts.forEach((vh, i) => {
    for (const d of vh.domains) {
      const other = seen.get(d);
      if (other !== undefined) at.field('virtualHosts').index(i).field('domains').fail(`duplicate domain ${JSON.stringify(d)} (also in virtual host ${other})`);
      seen.set(d, vh.name);
    }
  });
  return {
    name,
    virtualHosts,
    headers: headerMutations(rc, at),
    mostSpecificHeaderMutationsWins: bool(rc['mostSpecificHeaderMutationsWins'], false),
    ignorePortInHostMatching: bool(rc['ignorePortInHostMatching'], false),
    perFilter: perFilterConfig(rc['typedPerFilterConfig'], at.field('typedPerFilterConfig')),
  };
}
