/**
 * FilterChain -> FilterChainConfig: the filter_chain_match and the terminal network filter
 * (tcp_proxy or the HTTP connection manager, known by its typed_config "@type"). Filters in
 * front of it are refused unless they only observe (Istio's stats and metadata exchange, which
 * Mizzen does natively); a TLS transport socket (downstream-tls.ts) terminates TLS on the chain
 * with its certificates loaded here. server_names are exact host names or a
 * leading wildcard (`*.example.com`), as Envoy accepts them.
 */
import type { FilterChainConfig, FilterChainMatchConfig, NetworkRoute, SourceType } from '../../filter-chain/filter-chain-config.ts';
import { cidr, list, obj, oneOf, str, typeName, uint, type At, type Obj } from './fields.ts';
import { translateDownstreamTls } from './downstream-tls.ts';
import { HCM_TYPE, translateHttpConnectionManager } from './http-connection-manager.ts';
import { TCP_PROXY_TYPE, translateTcpProxy } from './tcp-proxy.ts';

const OBSERVERS = new Set(['istio.stats', 'istio.metadata_exchange', 'envoy.filters.network.metadata_exchange']);

function strings(v: unknown, at: At): string[] {
  return list(v, at).map((s, i) => str(s, at.index(i), true));
}

/** Envoy's server_names: a host name or a leading wildcard `*.example.com` (partial wildcards are refused). */
function serverNames(v: unknown, at: At): string[] {
  return strings(v, at).map((n, i) => {
    if (n.includes('*') && !(n.startsWith('*.') && !n.slice(1).includes('*') && n.length > 2)) {
      at.index(i).fail(`${JSON.stringify(n)}: partial wildcards are not supported in server_names (only "*.example.com")`);
    }
    return n.toLowerCase();
  });
}

export function translateMatch(v: unknown, at: At): FilterChainMatchConfig {
  const m = obj(v, at);
  if (list(m['directSourcePrefixRanges'], at.field('directSourcePrefixRanges')).length > 0) at.field('directSourcePrefixRanges').fail('is not supported');
  return {
    destinationPort: m['destinationPort'] === undefined ? undefined : uint(m['destinationPort'], at.field('destinationPort'), 0, 1),
    prefixRanges: list(m['prefixRanges'], at.field('prefixRanges')).map((c, i) => cidr(c, at.field('prefixRanges').index(i))),
    serverNames: serverNames(m['serverNames'], at.field('serverNames')),
    transportProtocol: str(m['transportProtocol'], at.field('transportProtocol')),
    applicationProtocols: strings(m['applicationProtocols'], at.field('applicationProtocols')),
    sourceType: oneOf<SourceType>(m['sourceType'], at.field('sourceType'), ['ANY', 'SAME_IP_OR_LOOPBACK', 'EXTERNAL'], 'ANY'),
    sourcePrefixRanges: list(m['sourcePrefixRanges'], at.field('sourcePrefixRanges')).map((c, i) => cidr(c, at.field('sourcePrefixRanges').index(i))),
    sourcePorts: list(m['sourcePorts'], at.field('sourcePorts')).map((p, i) => uint(p, at.field('sourcePorts').index(i), 0, 1)),
  };
}

function terminal(filters: readonly unknown[], at: At): NetworkRoute {
  if (filters.length === 0) at.fail('needs a network filter (tcp_proxy or http_connection_manager)');
  filters.slice(0, -1).forEach((f, i) => {
    const name = str(obj(f, at.index(i))['name'], at.index(i).field('name'));
    if (!OBSERVERS.has(name)) at.index(i).fail(`network filter ${JSON.stringify(name)} is not supported (only tcp_proxy or http_connection_manager, last)`);
  });
  const i = filters.length - 1;
  const last = obj(filters[i], at.index(i));
  const type = typeName(last['typedConfig']);
  const cfg = at.index(i).field('typedConfig');
  if (type === TCP_PROXY_TYPE) return translateTcpProxy(last['typedConfig'], cfg);
  if (type === HCM_TYPE) return translateHttpConnectionManager(last['typedConfig'], cfg);
  return at.index(i).fail(`the last network filter must be tcp_proxy or http_connection_manager, not ${JSON.stringify(last['name'] ?? type)}`);
}

export function translateFilterChain(v: unknown, at: At): FilterChainConfig {
  const fc: Obj = obj(v, at);
  const match = translateMatch(fc['filterChainMatch'], at.field('filterChainMatch'));
  const route = terminal(list(fc['filters'], at.field('filters')), at.field('filters'));
  const transportSocket = translateDownstreamTls(fc['transportSocket'], at.field('transportSocket'));
  return { name: str(fc['name'], at.field('name')) || at.path, match, route, ...(transportSocket ? { transportSocket } : {}) };
}
