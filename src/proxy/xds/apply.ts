/**
 * One DiscoveryResponse, all or nothing: decode every resource, translate (validate) each,
 * form the candidate set of its type, assemble a complete ProxyConfig from it and the other
 * types' accepted resources, and only then commit the candidate and install the new config
 * (one synchronous step). If anything is refused, nothing changes: the outcome carries the
 * NACK message (every problem, each naming its resource and field) and the last good config
 * stays in force. Resources not subscribed to (EDS, RDS, SDS) are ignored, as Envoy does.
 * Listeners are translated with their SDS secrets in place (sds-listeners.ts); a listener whose
 * every chain waits for a secret warms (its older version, if any, stays in force), and an SDS
 * update re-translates the listeners that use its secrets in the same all-or-nothing step.
 */
import { describeError } from '../../core/errors.ts';
import type { DiscoveryResponse } from '../../core/xds/ads-service.ts';
import type { RejectedResource } from '../admin/config-dump-source.ts';
import type { ClusterManager } from '../cluster/cluster-manager.ts';
import { ProxyError, ProxyErrorCodes } from '../core/errors.ts';
import type { ListenerConfig } from '../listener/listener-config.ts';
import { recordAccepted, recordRejected, type XdsStats } from '../stats/xds-stats.ts';
import type { AcceptedResource, Candidate, Diff, Incoming } from './accepted.ts';
import { assemble, duplicateAddresses, rdsNames, type AcceptedSet, type Assembled } from './assemble.ts';
import { decodeResources } from './decode.ts';
import { listenerSecretNames, resolveListenerSecrets } from './sds-listeners.ts';
import type { TypeKey, TypeState, XdsState } from './state.ts';
import type { Obj } from './translate/fields.ts';
import type { SecretConfig } from './translate/secret.ts';

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
  (['cds', 'eds', 'lds', 'rds', 'sds'] as const).filter((k) => k !== 'sds' || s.sds.accepted.everAccepted || key === 'sds')
    .map((k) => `${k}=${k === key ? version : s[k].accepted.versionInfo || '-'}`).join(' ');

function acceptedSet(s: XdsState, key: TypeKey, candidate: Candidate<unknown>, version: string, listeners?: Candidate<ListenerConfig>): AcceptedSet {
  const pick = <T>(k: TypeKey, t: TypeState<T>): Candidate<T> => (k === key ? candidate as Candidate<T> : t.accepted.current);
  return {
    clusters: pick('cds', s.cds), endpoints: pick('eds', s.eds), listeners: listeners ?? pick('lds', s.lds), routes: pick('rds', s.rds),
    version: versions(s, key, version),
  };
}

/** A listener's config with the SDS secrets of `secrets` in place; undefined while every chain waits. */
function translateListenerWith(s: XdsState, json: Obj, secrets: Candidate<SecretConfig>): ListenerConfig | undefined {
  const resolved = resolveListenerSecrets(json, (n) => secrets.get(n)?.config);
  return resolved.json ? s.lds.translator.translate(resolved.json) : undefined;
}

/** The listeners re-translated with new secrets, and those still warming. Throws what the translator refuses. */
function relisten(s: XdsState, secrets: Candidate<SecretConfig>): { listeners: Candidate<ListenerConfig>; warming: Map<string, Obj> } {
  const out = new Map<string, AcceptedResource<ListenerConfig>>(s.lds.accepted.current);
  const warming = new Map<string, Obj>();
  for (const [name, r] of s.lds.accepted.current) {
    if (s.warming.has(name) || listenerSecretNames(r.json).length === 0) continue;
    const config = translateListenerWith(s, r.json, secrets);
    if (config) out.set(name, { ...r, config });
  }
  for (const [name, json] of s.warming) {
    const config = translateListenerWith(s, json, secrets);
    if (!config) {
      warming.set(name, json);
      continue;
    }
    const old = out.get(name);
    out.set(name, { name, json, config, versionInfo: s.lds.accepted.versionInfo, lastUpdated: old?.lastUpdated ?? new Date().toISOString(), digest: JSON.stringify(json) });
  }
  return { listeners: out, warming };
}

function recordStats(ctx: ApplyContext, key: TypeKey, names: readonly string[], version: string, ok: boolean): void {
  const record = (s: Parameters<typeof recordRejected>[0]): void => (ok ? recordAccepted(s, version) : recordRejected(s));
  if (key === 'cds') return record(ctx.stats.cds);
  if (key === 'lds') return record(ctx.stats.lds);
  if (key === 'sds') return;
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
  const warming = new Map<string, Obj>();
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
      if (key === 'lds' && listenerSecretNames(r.json).length > 0) {
        const config = translateListenerWith(ctx.state, r.json, ctx.state.sds.accepted.current);
        if (config) {
          incoming.push({ name, json: r.json, config });
          continue;
        }
        warming.set(name, r.json);
        const old = t.accepted.get(name);
        if (old) incoming.push({ name, json: old.json, config: old.config });
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
  let relistened: ReturnType<typeof relisten> | undefined;
  try {
    if (key === 'sds') relistened = relisten(ctx.state, candidate as Candidate<SecretConfig>);
    assembled = assemble(acceptedSet(ctx.state, key, candidate, res.versionInfo, relistened?.listeners), ctx.clusters);
  } catch (err) {
    recordStats(ctx, key, names, res.versionInfo, false);
    return { ok: false, message: `cannot ${key === 'sds' && !relistened ? 'apply the secrets to the listeners' : 'assemble the config'}: ${describeError(err)}` };
  }
  const diff = t.accepted.commit(candidate, res.versionInfo);
  if (relistened) {
    ctx.state.lds.accepted.refresh(relistened.listeners);
    ctx.state.warming = relistened.warming;
  }
  if (key === 'lds') ctx.state.warming = warming;
  ctx.install(assembled);
  recordStats(ctx, key, incoming.map((r) => r.name), res.versionInfo, true);
  return { ok: true, diff, count: incoming.length, ignored };
}
