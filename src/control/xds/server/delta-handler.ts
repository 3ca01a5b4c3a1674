/**
 * A delta DiscoveryRequest, handled: the connection admitted on its first request (with the
 * versions the client already has), the ACK or NACK recorded, the subscription changed by the
 * subscribe/unsubscribe lists, and the newly subscribed resources sent (see delta-request.ts).
 */
import type { DeltaDiscoveryRequest } from '../../../core/xds/ads-service.ts';
import { shortNames } from '../../../core/xds/type-urls.ts';
import type { Connection } from './connection.ts';
import { decideDeltaRequest } from './delta-request.ts';
import { isWildcardType, type StreamContext } from './stream-context.ts';
import { recordAck, recordNack } from './watched-resource.ts';

export function handleDeltaRequest(ctx: StreamContext, conn: Connection, req: DeltaDiscoveryRequest): void {
  if (!conn.proxy && !ctx.admit(conn, req.node)) return;
  const typeUrl = req.typeUrl ?? '';
  if (!ctx.serves(conn, typeUrl)) {
    ctx.log.debug(`ADS(delta): ${conn.id}: no generator for type ${JSON.stringify(typeUrl)}; not answering`);
    return;
  }
  const first = !conn.watched.has(typeUrl);
  const decision = decideDeltaRequest(conn.watched.get(typeUrl), req, isWildcardType(typeUrl));
  const w = conn.watch(typeUrl);
  if (first) for (const [name, version] of Object.entries(req.initialResourceVersions ?? {})) w.clientVersions.set(name, version);
  if (decision.ack) recordAck(w, req.responseNonce, w.versionSent);
  if (decision.kind === 'nack') {
    const message = req.errorDetail?.message ?? '(no message)';
    recordNack(w, req.responseNonce, w.versionSent, message);
    ctx.log.warn(`ADS(delta):${shortNames[typeUrl] ?? typeUrl}: ACK ERROR ${conn.id} ${message}`);
  }
  w.wildcard = decision.wildcard;
  w.names = new Set(decision.names);
  for (const n of decision.removed) w.clientVersions.delete(n);
  if (decision.respond) ctx.pusher.sendType(conn, w, ctx.pushContext(), { added: decision.added, always: first });
}
