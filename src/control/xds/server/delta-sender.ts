/**
 * Sending one type to a delta xDS client: only the resources whose version (the hash of their
 * encoding) differs from what the client has (initial_resource_versions count), and as
 * removed_resources the names it has, or just subscribed to, that do not exist. Nothing is sent
 * when nothing changed, unless the client is waiting for its first answer.
 */
import { randomUUID } from 'node:crypto';
import type { PushContext } from '../../model/push-context.ts';
import type { Connection } from './connection.ts';
import type { EncodedType } from './resource-encoder.ts';
import type { WatchedResource } from './watched-resource.ts';

export interface SendOptions {
  /** Resend these resources even if unchanged (Envoy needs EDS again for the clusters a CDS update changed). */
  readonly force?: ReadonlySet<string>;
  /** Names just subscribed to: reported removed when they do not exist. */
  readonly added?: ReadonlySet<string>;
  /** Answer even with nothing in it (the first response for a type). */
  readonly always?: boolean;
}

/** Sends what the client lacks; returns the names sent (undefined when nothing was sent). */
export function sendDelta(conn: Connection, w: WatchedResource, push: PushContext, encoded: EncodedType, instanceId: string, opts: SendOptions): string[] | undefined {
  const added = opts.added ?? new Set<string>();
  const force = opts.force ?? new Set<string>();
  if (force.size === 0 && !opts.always && added.size === 0 && encoded.hash === w.hash) return undefined;
  const current = new Set(encoded.resources.map((r) => r.name));
  const resources = encoded.resources.flatMap((r, i) => {
    const version = encoded.versions[i] ?? '';
    const any = encoded.anys[i];
    if (!any || (!force.has(r.name) && w.clientVersions.get(r.name) === version)) return [];
    return [{ name: r.name, version, resource: any }];
  });
  const removed = [...new Set([...w.clientVersions.keys(), ...added])].filter((n) => !current.has(n));
  if (resources.length === 0 && removed.length === 0 && !opts.always) {
    w.hash = encoded.hash;
    return undefined;
  }
  const nonce = randomUUID();
  const sent = conn.send({ systemVersionInfo: push.version, resources, typeUrl: w.typeUrl, removedResources: removed, nonce, controlPlane: { identifier: instanceId } });
  if (!sent) return undefined;
  for (const r of resources) w.clientVersions.set(r.name, r.version);
  for (const n of removed) w.clientVersions.delete(n);
  w.hash = encoded.hash;
  w.nonceSent = nonce;
  w.versionSent = push.version;
  w.sentAt = new Date();
  w.resourcesSent = encoded.resources;
  return resources.map((r) => r.name);
}
