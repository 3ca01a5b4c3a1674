/**
 * Generating and sending one type to one connection, and a push to one connection in Envoy's
 * order (CDS, EDS, LDS, RDS): each subscribed type is generated, encoded and hashed, and sent
 * only when its hash differs from what the proxy last got (state of the world: the whole set;
 * delta: the changed resources). After a CDS update changes EDS clusters the proxy watches,
 * their EDS is sent again, since Envoy waits for it to finish warming them. An EDS-only push
 * only looks at proxies watching a cluster of a changed host.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../../core/log.ts';
import { pushOrder, TypeUrls } from '../../../core/xds/type-urls.ts';
import { parseClusterName } from '../../model/names.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { PushRequest } from '../../model/push-request.ts';
import { describeError } from '../../../core/errors.ts';
import { generatorsFor } from '../generators.ts';
import type { Connection } from './connection.ts';
import { sendDelta, type SendOptions } from './delta-sender.ts';
import type { ResourceEncoder } from './resource-encoder.ts';
import { isSubscribed, subscribedNames, type WatchedResource } from './watched-resource.ts';

export interface PusherOptions {
  readonly encoder: ResourceEncoder;
  readonly instanceId: string;
  readonly log: Logger;
}

export class Pusher {
  private readonly opts: PusherOptions;

  constructor(opts: PusherOptions) {
    this.opts = opts;
  }

  /** Generates `w`'s type for the connection and sends it if it changed; returns the names of the resources that changed (undefined: nothing sent). */
  sendType(conn: Connection, w: WatchedResource, push: PushContext, opts: SendOptions = {}): string[] | undefined {
    const proxy = conn.proxy;
    const gen = proxy ? generatorsFor(proxy).generators.get(w.typeUrl) : undefined;
    if (!proxy || !gen) return undefined;
    let encoded;
    try {
      encoded = this.opts.encoder.encode(w.typeUrl, gen.generate(proxy, push, subscribedNames(w)));
    } catch (err) {
      this.opts.log.error(`ADS: generating ${w.typeUrl} for ${conn.id} failed: ${describeError(err)}`);
      return undefined;
    }
    if (conn.mode === 'delta') return sendDelta(conn, w, push, encoded, this.opts.instanceId, opts);
    const forced = encoded.resources.some((r) => opts.force?.has(r.name));
    if (!forced && !opts.always && encoded.hash === w.hash) return undefined;
    const nonce = randomUUID();
    const sent = conn.send({
      versionInfo: push.version, resources: [...encoded.anys], typeUrl: w.typeUrl, nonce, controlPlane: { identifier: this.opts.instanceId },
    });
    if (!sent) return undefined;
    const changed = encoded.resources.filter((r, i) => w.clientVersions.get(r.name) !== encoded.versions[i]).map((r) => r.name);
    w.clientVersions.clear();
    encoded.resources.forEach((r, i) => w.clientVersions.set(r.name, encoded.versions[i] ?? ''));
    w.hash = encoded.hash;
    w.nonceSent = nonce;
    w.versionSent = push.version;
    w.sentAt = new Date();
    w.resourcesSent = encoded.resources;
    this.opts.log.debug(`ADS: PUSH ${w.typeUrl.slice(w.typeUrl.lastIndexOf('.') + 1)} for ${conn.id} resources:${encoded.anys.length} version:${push.version} nonce:${nonce}`);
    return changed;
  }

  /** Pushes what changed for this connection; returns the type URLs sent. */
  pushConnection(conn: Connection, req: PushRequest, push: PushContext, previous: PushContext | undefined): string[] {
    const proxy = conn.proxy;
    if (!proxy || conn.closed) return [];
    const full = req.full || ownEndpointsChanged(proxy.ipAddresses, req.edsHosts, push, previous);
    const order = [...pushOrder, ...[...conn.watched.keys()].filter((t) => !pushOrder.includes(t))];
    const sent: string[] = [];
    let changedClusters = new Set<string>();
    for (const typeUrl of order) {
      const w = conn.watched.get(typeUrl);
      if (!w || !isSubscribed(w)) continue;
      if (!full && (typeUrl !== TypeUrls.clusterLoadAssignment || !watchesHosts(w, req.edsHosts))) continue;
      const force = typeUrl === TypeUrls.clusterLoadAssignment ? changedClusters : undefined;
      const names = this.sendType(conn, w, push, force ? { force } : {});
      if (!names) continue;
      sent.push(typeUrl);
      if (typeUrl === TypeUrls.cluster) changedClusters = new Set(names);
    }
    return sent;
  }
}

function watchesHosts(w: WatchedResource, hosts: ReadonlySet<string>): boolean {
  if (w.wildcard) return true;
  for (const name of w.names) {
    const host = parseClusterName(name)?.host;
    if (host !== undefined && hosts.has(host)) return true;
  }
  return false;
}

/** An endpoint change of the proxy's own workload changes its inbound config: treat it as full. */
function ownEndpointsChanged(ips: readonly string[], hosts: ReadonlySet<string>, push: PushContext, previous: PushContext | undefined): boolean {
  if (ips.length === 0 || hosts.size === 0) return false;
  const mine = (p: PushContext | undefined): boolean => [...hosts].some((h) => p?.endpoints(h).some((ep) => ips.includes(ep.address)) ?? false);
  return mine(push) || mine(previous);
}
