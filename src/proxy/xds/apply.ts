/**
 * One DiscoveryResponse, all or nothing: decode every resource, translate (validate) each,
 * form the candidate set of its type, assemble a complete ProxyConfig from it and the other
 * types' accepted resources, and only then commit the candidate and install the new config
 * (one synchronous step). If anything is refused, nothing changes: the outcome carries the
 * NACK message (every problem, each naming its resource and field) and the last good config
 * stays in force. Resources not subscribed to (EDS, RDS) are ignored, as Envoy does.
 */
import { describeError } from '../../core/errors.ts';
import type { DiscoveryResponse } from '../../core/xds/ads-service.ts';
import type { RejectedResource } from '../admin/config-dump-source.ts';
import type { ClusterManager } from '../cluster/cluster-manager.ts';
import { ProxyError, ProxyErrorCodes } from '../core/errors.ts';
import type { ListenerConfig } from '../listener/listener-config.ts';
import { recordAccepted, recordRejected, type XdsStats } from '../stats/xds-stats.ts';
import type { Candidate, Diff, Incoming } from './accepted.ts';
import { assemble, duplicateAddresses, rdsNames, type AcceptedSet, type Assembled } from './assemble.ts';
import { decodeResources } from './decode.ts';
import type { TypeKey, TypeState, XdsState } from './state.ts';

export type Outcome =
  | { readonly ok: true; readonly diff: Diff; readonly count: number; readonly ignored: readonly string[] }
  | { readonly ok: false; readonly message: string };

export interface ApplyContext {
  readonly state: XdsState;
  readonly clusters: ClusterManager;
  readonly stats: XdsStats;
  /** Puts an assembled config in force (called after the candidate was committed). */
  install(assembled: Assembled): void;
}

const versions = (s: XdsState, key: TypeKey, version: string): string =>
  (['cds', 'eds', 'lds', 'rds'] as const).map((k) => `${k}=${k === key ? version : s[k].accepted.versionInfo || '-'}`).join(' ');

function acceptedSet(s: XdsState, key: TypeKey, candidate: Candidate<unknown>, version: string): AcceptedSet {
  const pick = <T>(k: TypeKey, t: TypeState<T>): Candidate<T> => (k === key ? candidate as Candidate<T> : t.accepted.current);
  return {
    clusters: pick('cds', s.cds), endpoints: pick('eds', s.eds), listeners: pick('lds', s.lds), routes: pick('rds', s.rds),
    version: versions(s, key, version),
  };
}

function recordStats(ctx: ApplyContext, key: TypeKey, names: readonly string[], version: string, ok: boolean): void {
  const record = (s: Parameters<typeof recordRejected>[0]): void => (ok ? recordAccepted(s, version) : recordRejected(s));
  if (key === 'cds') return record(ctx.stats.cds);
  if (key === 'lds') return record(ctx.stats.lds);
  const prefixes = key === 'rds' ? rdsNames(ctx.state.lds.accepted.current) : undefined;
  for (const n of names) record(key === 'eds' ? ctx.stats.eds(n) : ctx.stats.rds(prefixes?.get(n) ?? 'unknown', n));
}

export function applyResponse(ctx: ApplyContext, key: TypeKey, res: DiscoveryResponse, now: string): Outcome {
  const t = ctx.state[key] as TypeState<unknown>;
  const { translator, sub } = t;
  const decoded = decodeResources(translator.typeUrl, translator.kind, res.resources);
  const errors = [...decoded.errors];
  const rejected: RejectedResource[] = [];
  const incoming: Incoming<unknown>[] = [];
  const ignored: string[] = [];
  const seen = new Set<string>();
  for (const r of decoded.resources) {
    let name = '';
    try {
      name = translator.nameOf(r.json);
      if (!name) throw new ProxyError(ProxyErrorCodes.InvalidResource, `resources[${r.index}]: a ${translator.kind} without a name`);
      if (seen.has(name)) throw new ProxyError(ProxyErrorCodes.InvalidResource, `${translator.kind} ${name}: the response has it twice`);
      seen.add(name);
      if (!translator.wildcard && !sub.names.includes(name)) {
        ignored.push(name);
        continue;
      }
      incoming.push({ name, json: r.json, config: translator.translate(r.json) });
    } catch (err) {
      const details = describeError(err);
      errors.push(details);
      if (name) rejected.push({ name, failedConfiguration: { '@type': translator.typeUrl, ...r.json }, lastUpdateAttempt: now, details, versionInfo: res.versionInfo });
    }
  }
  const candidate = t.accepted.candidate(incoming, translator.wildcard, res.versionInfo, now);
  if (key === 'lds') {
    for (const d of duplicateAddresses(candidate as Candidate<ListenerConfig>)) {
      errors.push(d.message);
      const json = candidate.get(d.name)?.json ?? {};
      rejected.push({ name: d.name, failedConfiguration: { '@type': translator.typeUrl, ...json }, lastUpdateAttempt: now, details: d.message, versionInfo: res.versionInfo });
    }
  }
  const names = [...seen];
  if (errors.length > 0) {
    t.accepted.reject(rejected);
    recordStats(ctx, key, names, res.versionInfo, false);
    return { ok: false, message: errors.join('\n') };
  }
  let assembled: Assembled;
  try {
    assembled = assemble(acceptedSet(ctx.state, key, candidate, res.versionInfo), ctx.clusters);
  } catch (err) {
    recordStats(ctx, key, names, res.versionInfo, false);
    return { ok: false, message: `cannot assemble the config: ${describeError(err)}` };
  }
  const diff = t.accepted.commit(candidate, res.versionInfo);
  ctx.install(assembled);
  recordStats(ctx, key, incoming.map((r) => r.name), res.versionInfo, true);
  return { ok: true, diff, count: incoming.length, ignored };
}
