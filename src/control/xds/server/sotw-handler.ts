/**
 * A state-of-the-world DiscoveryRequest, handled: the connection admitted on its first
 * request, the ACK or NACK recorded, the subscription updated, and an answer sent when the
 * request asks for one (see request-kind.ts for the rules).
 */
import type { DiscoveryRequest } from '../../../core/xds/ads-service.ts';
import { shortNames } from '../../../core/xds/type-urls.ts';
import type { Connection } from './connection.ts';
import { decideRequest } from './request-kind.ts';
import { isWildcardType, type StreamContext } from './stream-context.ts';
import { recordAck, recordNack } from './watched-resource.ts';

export function handleSotwRequest(ctx: StreamContext, conn: Connection, req: DiscoveryRequest): void {
  if (!conn.proxy && !ctx.admit(conn, req.node)) return;
  const typeUrl = req.typeUrl ?? '';
  if (!ctx.serves(conn, typeUrl)) {
    ctx.log.debug(`ADS: ${conn.id}: no generator for type ${JSON.stringify(typeUrl)}; not answering`);
    return;
  }
  const decision = decideRequest(conn.watched.get(typeUrl), req, isWildcardType(typeUrl));
  const w = conn.watch(typeUrl);
  if (decision.ack) recordAck(w, req.responseNonce, req.versionInfo);
  if (decision.kind === 'nack') {
    const message = req.errorDetail?.message ?? '(no message)';
    recordNack(w, req.responseNonce, req.versionInfo, message);
    ctx.log.warn(`ADS:${shortNames[typeUrl] ?? typeUrl}: ACK ERROR ${conn.id} ${message}`);
  }
  if (decision.subscription) {
    w.wildcard = decision.subscription.wildcard;
    w.names = new Set(decision.subscription.names);
  }
  if (decision.respond) ctx.pusher.sendType(conn, w, ctx.pushContext(), { always: true });
}
