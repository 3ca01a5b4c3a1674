/**
 * The state-of-the-world request rules, as one pure decision per DiscoveryRequest: the first
 * request for a type subscribes (no names on LDS/CDS means wildcard; `*` always does); a request
 * carrying the last sent nonce ACKs it (or NACKs it, with error_detail) and may change the
 * subscription; an empty name list after the first request unsubscribes a named subscription
 * (a wildcard one stays, as Envoy ACKs wildcard types with no names); an older nonce is stale.
 */
import type { DiscoveryRequest } from '../../../core/xds/ads-service.ts';
import type { WatchedResource } from './watched-resource.ts';

export type RequestKind = 'initial' | 'ack' | 'nack' | 'stale' | 'subscription' | 'unsubscribe';

export interface RequestDecision {
  readonly kind: RequestKind;
  /** Whether the server must answer with the type's resources now. */
  readonly respond: boolean;
  /** The request acknowledges the last response sent (whatever else it does). */
  readonly ack: boolean;
  /** The subscription after the request (undefined: unchanged). */
  readonly subscription?: { readonly wildcard: boolean; readonly names: ReadonlySet<string> };
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => a.size === b.size && [...a].every((x) => b.has(x));

export function decideRequest(w: WatchedResource | undefined, req: DiscoveryRequest, wildcardByDefault: boolean): RequestDecision {
  const requested = req.resourceNames ?? [];
  const names = new Set(requested.filter((n) => n !== '*'));
  const star = requested.includes('*');
  if (!w) {
    const wildcard = star || (requested.length === 0 && wildcardByDefault);
    return { kind: 'initial', respond: wildcard || names.size > 0, ack: false, subscription: { wildcard, names } };
  }
  const nonce = req.responseNonce ?? '';
  if (nonce !== '' && w.nonceSent !== undefined && nonce !== w.nonceSent) return { kind: 'stale', respond: false, ack: false };
  if (nonce !== '' && w.nonceSent !== undefined && req.errorDetail) return { kind: 'nack', respond: false, ack: false };
  const acking = nonce !== '' && nonce === w.nonceSent;
  let next: { wildcard: boolean; names: ReadonlySet<string> };
  if (w.wildcard && requested.length === 0) next = { wildcard: true, names: w.names };
  else next = { wildcard: star, names };
  const changed = next.wildcard !== w.wildcard || !sameSet(next.names, w.names);
  if (!next.wildcard && next.names.size === 0) {
    return { kind: changed ? 'unsubscribe' : acking ? 'ack' : 'subscription', respond: false, ack: acking, subscription: next };
  }
  if (changed) return { kind: 'subscription', respond: true, ack: acking, subscription: next };
  // A request without a nonce for a type already subscribed asks again (a client resync).
  return acking ? { kind: 'ack', respond: false, ack: true } : { kind: 'subscription', respond: true, ack: false, subscription: next };
}
