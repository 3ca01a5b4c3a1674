/**
 * What a listener's inspecting listener filters must look at for a connection, before any byte
 * is read: TLS (tls_inspector configured and not filter_disabled for the port, and a chain that
 * could still be chosen matches on server names, transport protocol `tls` or ALPN) and HTTP
 * (http_inspector likewise, and such a chain matches on application protocols). With a
 * destination, only the chains left after Envoy's destination port and IP steps count, so a
 * port whose chains need nothing (a server-first protocol on a declared TCP port) is never held.
 */
import type { Address } from '../core/address.ts';
import type { InspectNeeds } from '../listener/filters/inspect.ts';
import { filterDisabled } from '../listener/filters/filter-disabled.ts';
import type { ListenerConfig } from '../listener/listener-config.ts';
import type { FilterChainConfig } from './filter-chain-config.ts';
import { chainsForDestination } from './select.ts';

const NONE: InspectNeeds = Object.freeze({ tls: false, http: false, timeoutMs: 0 });

const wantsTls = (c: FilterChainConfig): boolean =>
  c.match.serverNames.length > 0 || c.match.transportProtocol === 'tls' || (c.match.applicationProtocols.length > 0 && c.match.transportProtocol !== 'raw_buffer');

const wantsHttp = (c: FilterChainConfig): boolean => c.match.applicationProtocols.length > 0 && c.match.transportProtocol !== 'tls';

export function inspectionNeeds(listener: ListenerConfig, destination?: Address): InspectNeeds {
  const i = listener.inspection;
  if (!i.tls && !i.http) return NONE;
  const chains = destination ? chainsForDestination(listener.filterChains, destination) : listener.filterChains;
  const port = destination?.port;
  const on = (configured: boolean, disabled: typeof i.tlsDisabled): boolean => configured && (port === undefined || !filterDisabled(disabled, port));
  const tls = on(i.tls, i.tlsDisabled) && chains.some(wantsTls);
  const http = on(i.http, i.httpDisabled) && chains.some(wantsHttp);
  return tls || http ? Object.freeze({ tls, http, timeoutMs: i.timeoutMs }) : NONE;
}
