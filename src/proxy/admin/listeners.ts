/** Admin `/listeners`: `name::address` per listener, or Envoy's ListenerStatuses with `?format=json`. */
import { formatAddress } from '../core/address.ts';
import { json, text, type HttpReply } from '../core/http-server.ts';
import type { AdminContext } from './admin-context.ts';

export function listenersHandler(ctx: AdminContext) {
  return (_req: unknown, url: URL): HttpReply => {
    const infos = ctx.listeners.map((l) => l.info);
    if (url.searchParams.get('format') === 'json') {
      return json(200, {
        listener_statuses: infos.map((i) => ({ name: i.name, local_address: { socket_address: { address: i.address.ip, port_value: i.address.port } } })),
      });
    }
    return text(200, infos.map((i) => `${i.name}::${formatAddress(i.address)}\n`).join(''));
  };
}
