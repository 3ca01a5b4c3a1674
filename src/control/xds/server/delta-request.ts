/**
 * The delta (incremental) xDS request rules as one pure decision: subscribe and unsubscribe
 * lists change the subscription on every request, whatever the nonce (they are deltas; none
 * may be lost); the first request of LDS/CDS with no names is a wildcard, `*` always is; a
 * request with the last nonce ACKs (or NACKs, with error_detail) the last response. Newly
 * subscribed names are answered at once.
 */
import type { DeltaDiscoveryRequest } from '../../../core/xds/ads-service.ts';
import type { RequestKind } from './request-kind.ts';
import type { WatchedResource } from './watched-resource.ts';

export interface DeltaDecision {
  readonly kind: RequestKind;
  readonly ack: boolean;
  readonly wildcard: boolean;
  readonly names: ReadonlySet<string>;
  /** Names the client just subscribed to (what the answer must carry even if unchanged). */
  readonly added: ReadonlySet<string>;
  readonly removed: ReadonlySet<string>;
  readonly respond: boolean;
}

export function decideDeltaRequest(w: WatchedResource | undefined, req: DeltaDiscoveryRequest, wildcardByDefault: boolean): DeltaDecision {
  const subscribe = req.resourceNamesSubscribe ?? [];
  const unsubscribe = new Set(req.resourceNamesUnsubscribe ?? []);
  const nonce = req.responseNonce ?? '';
  let wildcard = w ? w.wildcard : subscribe.includes('*') || (subscribe.length === 0 && wildcardByDefault);
  if (w && subscribe.includes('*')) wildcard = true;
  if (unsubscribe.has('*')) wildcard = false;
  const names = new Set(w?.names ?? []);
  const added = new Set<string>();
  for (const n of subscribe) {
    if (n === '*' || names.has(n)) continue;
    names.add(n);
    added.add(n);
  }
  const removed = new Set<string>();
  for (const n of unsubscribe) if (names.delete(n)) removed.add(n);
  const first = !w;
  const ack = !first && nonce !== '' && nonce === w.nonceSent && !req.errorDetail;
  const kind: RequestKind = first ? 'initial'
    : nonce !== '' && nonce !== w.nonceSent ? 'stale'
      : nonce !== '' && req.errorDetail ? 'nack'
        : added.size > 0 || removed.size > 0 || wildcard !== w.wildcard ? 'subscription' : ack ? 'ack' : 'subscription';
  const respond = first ? wildcard || names.size > 0 : added.size > 0 || (wildcard && !w.wildcard);
  return { kind, ack, wildcard, names, added, removed, respond };
}
