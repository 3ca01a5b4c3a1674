/**
 * envoy.config.route.v3.RouteAction -> ForwardAction: which cluster (cluster, weighted_clusters
 * with each ClusterWeight's header edits, or cluster_header), timeouts (timeout defaults to
 * Envoy's 15 s; 0 disables), retries, path and host rewrites, hash policies, mirrors, stream
 * duration limits, upgrades and CORS. Features Mizzen lacks (cluster plugins, metadata subsets,
 * internal redirects, hedging, rate limits, early data, path rewrite policies) are refused.
 */
import type { ForwardAction, HashPolicy, RegexRewrite, RequestMirrorPolicy, UpgradeConfig } from '../../route/route-action-config.ts';
import type { ClusterTarget, WeightedTarget } from '../../route/route-config.ts';
import { ALWAYS } from '../../route/fraction.ts';
import { bool, durationMs, list, obj, oneOf, str, uint, type At } from './fields.ts';
import { fraction, onlyFields, regexMatcher } from './route-fields.ts';
import { HEADER_FIELDS, headerMutations } from './route-headers.ts';
import { corsPolicy } from './route-filter-config.ts';
import { translateRetryPolicy } from './route-retry.ts';

const NOT_FOUND = { SERVICE_UNAVAILABLE: 503, NOT_FOUND: 404, INTERNAL_SERVER_ERROR: 500 } as const;

function weightedClusters(v: unknown, at: At): ClusterTarget {
  const w = obj(v, at);
  onlyFields(w, at, ['clusters', 'totalWeight', 'runtimeKeyPrefix']);
  const clusters: WeightedTarget[] = list(w['clusters'], at.field('clusters')).map((c, i) => {
    const where = at.field('clusters').index(i);
    const cw = obj(c, where);
    onlyFields(cw, where, ['name', 'weight', 'hostRewriteLiteral', ...HEADER_FIELDS]);
    const host = str(cw['hostRewriteLiteral'], where.field('hostRewriteLiteral'));
    return {
      name: str(cw['name'], where.field('name'), true), weight: uint(cw['weight'], where.field('weight'), 0),
      headers: headerMutations(cw, where), ...(host ? { hostRewriteLiteral: host } : {}),
    };
  });
  if (clusters.length === 0) at.field('clusters').fail('needs at least one cluster');
  const total = clusters.reduce((n, c) => n + c.weight, 0);
  if (total === 0) at.field('clusters').fail('the weights add up to 0');
  if (w['totalWeight'] !== undefined && w['totalWeight'] !== null && uint(w['totalWeight'], at.field('totalWeight'), 0) !== total) {
    at.field('totalWeight').fail(`is ${String(w['totalWeight'])} but the weights add up to ${total}`);
  }
  return { kind: 'weighted', clusters: clusters.filter((c) => c.weight > 0), total };
}

function clusterTarget(a: Readonly<Record<string, unknown>>, at: At): ClusterTarget {
  const set = ['cluster', 'weightedClusters', 'clusterHeader', 'clusterSpecifierPlugin', 'inlineClusterSpecifierPlugin'].filter((k) => a[k] !== undefined && a[k] !== null && a[k] !== '');
  if (set.length !== 1) return at.fail(set.length === 0 ? 'needs a cluster, weightedClusters or clusterHeader' : `sets more than one cluster specifier (${set.join(', ')})`);
  if (set[0] === 'cluster') return { kind: 'cluster', cluster: str(a['cluster'], at.field('cluster'), true) };
  if (set[0] === 'weightedClusters') return weightedClusters(a['weightedClusters'], at.field('weightedClusters'));
  if (set[0] === 'clusterHeader') return { kind: 'cluster_header', header: str(a['clusterHeader'], at.field('clusterHeader'), true).toLowerCase() };
  return at.field(set[0] as string).fail('is not supported by Mizzen');
}

function hashPolicy(v: unknown, at: At): HashPolicy {
  const h = obj(v, at);
  onlyFields(h, at, ['header', 'cookie', 'connectionProperties', 'queryParameter', 'terminal']);
  const terminal = bool(h['terminal'], false);
  if (h['header'] !== undefined) {
    const x = obj(h['header'], at.field('header'));
    onlyFields(x, at.field('header'), ['headerName']);
    return { kind: 'header', headerName: str(x['headerName'], at.field('header.headerName'), true).toLowerCase(), terminal };
  }
  if (h['cookie'] !== undefined) {
    const x = obj(h['cookie'], at.field('cookie'));
    onlyFields(x, at.field('cookie'), ['name', 'ttl', 'path']);
    const ttlMs = x['ttl'] === undefined ? undefined : durationMs(x['ttl'], at.field('cookie.ttl'), 0);
    return { kind: 'cookie', name: str(x['name'], at.field('cookie.name'), true), path: str(x['path'], at.field('cookie.path')), ttlMs, terminal };
  }
  if (h['connectionProperties'] !== undefined) {
    if (!bool(obj(h['connectionProperties'], at.field('connectionProperties'))['sourceIp'], false)) at.field('connectionProperties.sourceIp').fail('must be true');
    return { kind: 'sourceIp', terminal };
  }
  if (h['queryParameter'] !== undefined) return { kind: 'queryParameter', name: str(obj(h['queryParameter'], at.field('queryParameter'))['name'], at.field('queryParameter.name'), true), terminal };
  return at.fail('needs header, cookie, connectionProperties or queryParameter');
}

function mirror(v: unknown, at: At): RequestMirrorPolicy {
  const m = obj(v, at);
  onlyFields(m, at, ['cluster', 'runtimeFraction', 'traceSampled', 'disableShadowHostSuffixAppend']);
  const rf = m['runtimeFraction'] === undefined ? undefined : obj(m['runtimeFraction'], at.field('runtimeFraction'));
  if (rf) onlyFields(rf, at.field('runtimeFraction'), ['defaultValue', 'runtimeKey']);
  return {
    cluster: str(m['cluster'], at.field('cluster'), true),
    percent: rf ? fraction(rf['defaultValue'], at.field('runtimeFraction.defaultValue'), { numerator: 0, denominator: 100 }) : ALWAYS,
    traceSampled: m['traceSampled'] === undefined || m['traceSampled'] === null ? undefined : bool(m['traceSampled'], false),
  };
}

function upgrade(v: unknown, at: At): UpgradeConfig {
  const u = obj(v, at);
  onlyFields(u, at, ['upgradeType', 'enabled']);
  return { upgradeType: str(u['upgradeType'], at.field('upgradeType'), true).toLowerCase(), enabled: bool(u['enabled'], true) };
}

/** A regex_rewrite (RouteAction or RedirectAction): the substitution may only name groups the pattern has. */
export function regexRewrite(v: unknown, at: At): RegexRewrite | undefined {
  if (v === undefined || v === null) return undefined;
  const r = obj(v, at);
  onlyFields(r, at, ['pattern', 'substitution']);
  const { pattern, regex, groups } = regexMatcher(r['pattern'], at.field('pattern'));
  const substitution = str(r['substitution'], at.field('substitution'));
  for (let i = 0; i < substitution.length; i++) {
    if (substitution[i] !== '\\') continue;
    const n = substitution[++i];
    if (n === '\\') continue;
    if (n === undefined || !/\d/.test(n)) at.field('substitution').fail(`invalid rewrite pattern ${JSON.stringify(substitution)}: a backslash must be followed by a digit or a backslash`);
    if (Number(n) > groups) at.field('substitution').fail(`${JSON.stringify(substitution)} names group \\${n} but the pattern has ${groups} capture group${groups === 1 ? '' : 's'}`);
  }
  return { pattern, regex, substitution };
}

export function translateRouteAction(v: unknown, at: At): ForwardAction {
  const a = obj(v, at);
  onlyFields(a, at, ['cluster', 'clusterHeader', 'weightedClusters', 'clusterNotFoundResponseCode', 'prefixRewrite', 'regexRewrite', 'hostRewriteLiteral',
    'autoHostRewrite', 'appendXForwardedHost', 'timeout', 'idleTimeout', 'retryPolicy', 'requestMirrorPolicies', 'priority', 'includeVhRateLimits', 'hashPolicy',
    'cors', 'upgradeConfigs', 'maxStreamDuration', 'internalRedirectAction']);
  oneOf(a['priority'], at.field('priority'), ['DEFAULT'], 'DEFAULT', 'only DEFAULT routing priority is supported');
  oneOf(a['internalRedirectAction'], at.field('internalRedirectAction'), ['PASS_THROUGH_INTERNAL_REDIRECT'], 'PASS_THROUGH_INTERNAL_REDIRECT', 'internal redirects are not supported');
  const prefixRewrite = a['prefixRewrite'] === undefined || a['prefixRewrite'] === null ? undefined : str(a['prefixRewrite'], at.field('prefixRewrite'));
  const rewrite = regexRewrite(a['regexRewrite'], at.field('regexRewrite'));
  if (prefixRewrite !== undefined && rewrite) at.fail('sets both prefixRewrite and regexRewrite');
  const host = str(a['hostRewriteLiteral'], at.field('hostRewriteLiteral'));
  const autoHost = bool(a['autoHostRewrite'], false);
  if (host && autoHost) at.fail('sets both hostRewriteLiteral and autoHostRewrite');
  const msd = obj(a['maxStreamDuration'], at.field('maxStreamDuration'));
  onlyFields(msd, at.field('maxStreamDuration'), ['maxStreamDuration', 'grpcTimeoutHeaderMax', 'grpcTimeoutHeaderOffset']);
  const optMs = (k: string): number | undefined => (msd[k] === undefined || msd[k] === null ? undefined : durationMs(msd[k], at.field(`maxStreamDuration.${k}`), 0));
  return {
    kind: 'route',
    target: clusterTarget(a, at),
    clusterNotFoundStatus: NOT_FOUND[oneOf(a['clusterNotFoundResponseCode'], at.field('clusterNotFoundResponseCode'), ['SERVICE_UNAVAILABLE', 'NOT_FOUND', 'INTERNAL_SERVER_ERROR'], 'SERVICE_UNAVAILABLE')],
    timeoutMs: durationMs(a['timeout'], at.field('timeout'), 15_000),
    idleTimeoutMs: a['idleTimeout'] === undefined || a['idleTimeout'] === null ? undefined : durationMs(a['idleTimeout'], at.field('idleTimeout'), 0),
    retryPolicy: a['retryPolicy'] === undefined || a['retryPolicy'] === null ? undefined : translateRetryPolicy(a['retryPolicy'], at.field('retryPolicy')),
    prefixRewrite,
    regexRewrite: rewrite,
    hostRewriteLiteral: host || undefined,
    autoHostRewrite: autoHost,
    appendXForwardedHost: bool(a['appendXForwardedHost'], false),
    hashPolicy: list(a['hashPolicy'], at.field('hashPolicy')).map((h, i) => hashPolicy(h, at.field('hashPolicy').index(i))),
    requestMirrorPolicies: list(a['requestMirrorPolicies'], at.field('requestMirrorPolicies')).map((m, i) => mirror(m, at.field('requestMirrorPolicies').index(i))),
    maxStreamDuration: { maxStreamDurationMs: optMs('maxStreamDuration'), grpcTimeoutHeaderMaxMs: optMs('grpcTimeoutHeaderMax'), grpcTimeoutHeaderOffsetMs: optMs('grpcTimeoutHeaderOffset') },
    upgradeConfigs: list(a['upgradeConfigs'], at.field('upgradeConfigs')).map((u, i) => upgrade(u, at.field('upgradeConfigs').index(i))),
    cors: a['cors'] === undefined || a['cors'] === null ? undefined : corsPolicy(a['cors'], at.field('cors')),
  };
}
