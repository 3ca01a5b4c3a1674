/**
 * /debug/syncz: per connected proxy, per xDS type, what was sent and what was acknowledged
 * (what `istioctl proxy-status` prints): status SYNCED (the last response was ACKed), STALE
 * (sent, not yet ACKed), NACKED (the client refused it; the message is kept), NOT SENT.
 */
import { shortNames, TypeUrls } from '../../core/xds/type-urls.ts';
import type { Connection } from '../xds/server/connection.ts';
import type { WatchedResource } from '../xds/server/watched-resource.ts';

export type SyncStatus = 'SYNCED' | 'STALE' | 'NACKED' | 'NOT SENT';

export interface TypeSync {
  readonly typeUrl: string;
  readonly status: SyncStatus;
  /** `*` for a wildcard subscription, else the subscribed names. */
  readonly subscription: '*' | readonly string[];
  readonly resources: number;
  readonly versionSent: string | null;
  readonly nonceSent: string | null;
  readonly lastPush: string | null;
  readonly versionAcked: string | null;
  readonly nonceAcked: string | null;
  readonly lastAck: string | null;
  readonly nack: { readonly message: string; readonly nonce: string; readonly version: string; readonly at: string } | null;
}

export interface ProxySync {
  readonly proxy: string;
  readonly name: string;
  readonly namespace: string;
  readonly clusterId: string;
  readonly istioVersion: string;
  readonly generator: string;
  readonly connectionId: string;
  readonly peer: string;
  readonly connectedAt: string;
  readonly istiod: string;
  readonly types: Readonly<Record<string, TypeSync>>;
}

const SHOWN: readonly string[] = [TypeUrls.cluster, TypeUrls.listener, TypeUrls.clusterLoadAssignment, TypeUrls.routeConfiguration];

export function syncStatus(w: WatchedResource | undefined): SyncStatus {
  if (!w || w.nonceSent === undefined) return 'NOT SENT';
  if (w.nack && w.nack.nonce === w.nonceSent) return 'NACKED';
  return w.nonceAcked === w.nonceSent ? 'SYNCED' : 'STALE';
}

function typeSync(typeUrl: string, w: WatchedResource | undefined): TypeSync {
  return {
    typeUrl,
    status: syncStatus(w),
    subscription: w?.wildcard ? '*' : [...(w?.names ?? [])].sort(),
    resources: w?.resourcesSent.length ?? 0,
    versionSent: w?.versionSent ?? null,
    nonceSent: w?.nonceSent ?? null,
    lastPush: w?.sentAt?.toISOString() ?? null,
    versionAcked: w?.versionAcked ?? null,
    nonceAcked: w?.nonceAcked ?? null,
    lastAck: w?.ackedAt?.toISOString() ?? null,
    nack: w?.nack ? { message: w.nack.message, nonce: w.nack.nonce, version: w.nack.version, at: w.nack.at.toISOString() } : null,
  };
}

export function syncz(connections: readonly Connection[], istiod: string): ProxySync[] {
  return connections.flatMap((c) => {
    const p = c.proxy;
    if (!p) return [];
    const types: Record<string, TypeSync> = {};
    for (const t of [...SHOWN, ...[...c.watched.keys()].filter((k) => !SHOWN.includes(k))]) types[shortNames[t] ?? t] = typeSync(t, c.watched.get(t));
    return [{
      proxy: p.id, name: p.name, namespace: p.namespace, clusterId: p.clusterId, istioVersion: p.istioVersion, generator: p.generator,
      connectionId: c.id, peer: c.peer, connectedAt: c.connectedAt.toISOString(), istiod, types,
    }];
  }).sort((a, b) => a.name.localeCompare(b.name) || a.connectionId.localeCompare(b.connectionId));
}
