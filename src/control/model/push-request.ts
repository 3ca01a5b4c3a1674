/**
 * PushRequest: why a push happens (Istio's model.PushRequest). A full push regenerates every
 * type for every proxy (config or services changed); an incremental one only EDS for the hosts
 * whose endpoints changed. Requests arriving within a debounce window merge into one.
 */

export interface PushRequest {
  readonly full: boolean;
  /** Hosts whose endpoints changed (what an EDS-only push regenerates). */
  readonly edsHosts: ReadonlySet<string>;
  /** Config keys (`Kind/namespace/name`) and registry hosts that changed, for logs and debug. */
  readonly updated: ReadonlySet<string>;
  readonly reasons: readonly string[];
  /** When the first merged event happened (ms since epoch). */
  readonly start: number;
}

export function pushRequest(p: Partial<PushRequest> & Pick<PushRequest, 'full'>): PushRequest {
  return Object.freeze({
    full: p.full, edsHosts: p.edsHosts ?? new Set(), updated: p.updated ?? new Set(), reasons: p.reasons ?? [], start: p.start ?? Date.now(),
  });
}

export function mergePushRequests(a: PushRequest, b: PushRequest): PushRequest {
  return pushRequest({
    full: a.full || b.full,
    edsHosts: new Set([...a.edsHosts, ...b.edsHosts]),
    updated: new Set([...a.updated, ...b.updated]),
    reasons: [...a.reasons, ...b.reasons],
    start: Math.min(a.start, b.start),
  });
}
