/** Admin `/listeners`: `name::address` per listener in force, or Envoy's ListenerStatuses with `?format=json`. */
import { formatAddress } from '../core/address.ts';
import { json, text, type HttpReply } from '../core/http-server.ts';
import type { AdminContext } from './admin-context.ts';

export function listenersHandler(ctx: AdminContext) {
  return (_req: unknown, url: URL): HttpReply => {
    const infos = ctx.listenerStatuses();
    if (url.searchParams.get('format') === 'json') {
      return json(200, {
        listenerStatuses: infos.map((i) => ({ name: i.name, localAddress: { socketAddress: { address: i.address.ip, portValue: i.address.port } } })),
      });
    }
    return text(200, infos.map((i) => `${i.name}::${formatAddress(i.address)}\n`).join(''));
  };
}
