/**
 * `proxy-config listener`: istioctl's columns ADDRESSES, PORT, MATCH, DESTINATION, one row per
 * filter chain, e.g. `0.0.0.0 15006 Trans: raw_buffer; Addr: *:8080  Cluster: inbound|8080||`.
 */
import { filterConfig, socketAddress, type Json } from './config-dump.ts';

export interface ListenerFilter {
  readonly address?: string;
  readonly port?: number;
  readonly type?: string;
}

const HCM = 'envoy.filters.network.http_connection_manager';
const TCP = 'envoy.filters.network.tcp_proxy';

function chainMatch(m: Json | undefined, listenerPort: number): string {
  if (!m || Object.keys(m).length === 0) return 'ALL';
  const parts: string[] = [];
  if (m['transportProtocol']) parts.push(`Trans: ${String(m['transportProtocol'])}`);
  if (Array.isArray(m['applicationProtocols'])) parts.push(`App: ${(m['applicationProtocols'] as string[]).join(',')}`);
  if (Array.isArray(m['serverNames'])) parts.push(`SNI: ${(m['serverNames'] as string[]).join(',')}`);
  const ranges = Array.isArray(m['prefixRanges']) ? (m['prefixRanges'] as Json[]).map((r) => `${String(r['addressPrefix'])}/${String(r['prefixLen'] ?? 0)}`) : [];
  const port = m['destinationPort'] !== undefined ? String(m['destinationPort']) : '';
  if (port || ranges.length > 0) parts.push(`Addr: ${ranges.length > 0 ? ranges.join(',') : '*'}${port ? `:${port}` : ''}`);
  return parts.length > 0 ? parts.join('; ') : listenerPort ? 'ALL' : 'ALL';
}

function chainDestination(chain: Json): string {
  const filters = chain['filters'];
  const hcm = filterConfig(filters, HCM);
  if (hcm) {
    const rds = hcm['rds'] as Json | undefined;
    if (rds) return `Route: ${String(rds['routeConfigName'] ?? '')}`;
    const vhosts = ((hcm['routeConfig'] as Json | undefined)?.['virtualHosts'] ?? []) as Json[];
    const route = ((vhosts[0]?.['routes'] ?? []) as Json[])[0];
    const match = route?.['match'] as Json | undefined;
    if (match) return `Inline Route: ${String(match['prefix'] ?? match['path'] ?? '/')}*`;
    return 'Inline Route';
  }
  const tcp = filterConfig(filters, TCP);
  if (tcp) {
    const cluster = String(tcp['cluster'] ?? '');
    if (cluster === 'PassthroughCluster' || cluster === 'BlackHoleCluster' || cluster === 'InboundPassthroughCluster') return cluster;
    if (cluster) return `Cluster: ${cluster}`;
    const weighted = ((tcp['weightedClusters'] as Json | undefined)?.['clusters'] ?? []) as Json[];
    return `WeightedClusters: ${weighted.map((w) => `${String(w['name'])} ${String(w['weight'])}`).join(', ')}`;
  }
  return 'Non-HTTP/Non-TCP';
}

export function listenerRows(listeners: readonly Json[], f: ListenerFilter): string[][] {
  const rows: string[][] = [];
  for (const l of listeners) {
    if (l['apiListener']) {
      const hcm = (l['apiListener'] as Json)['apiListener'] as Json | undefined;
      const rds = hcm?.['rds'] as Json | undefined;
      rows.push([String(l['name'] ?? ''), '', 'ALL', `Route: ${String(rds?.['routeConfigName'] ?? '')}`]);
      continue;
    }
    const sa = socketAddress(l['address']);
    if (!sa) continue;
    if (f.address && sa.address !== f.address) continue;
    if (f.port !== undefined && sa.port !== f.port) continue;
    const chains = [...((l['filterChains'] ?? []) as Json[]), ...(l['defaultFilterChain'] ? [l['defaultFilterChain'] as Json] : [])];
    for (const chain of chains) {
      const dest = chainDestination(chain);
      if (f.type === 'HTTP' && !dest.startsWith('Route')) continue;
      if (f.type === 'TCP' && dest.startsWith('Route')) continue;
      rows.push([sa.address, String(sa.port), chainMatch(chain['filterChainMatch'] as Json | undefined, sa.port), dest]);
    }
  }
  return rows.sort((a, b) => Number(a[1]) - Number(b[1]) || (a[0] ?? '').localeCompare(b[0] ?? ''));
}

export const listenerHeaders = ['ADDRESSES', 'PORT', 'MATCH', 'DESTINATION'];

export function listenerMatches(l: Json, f: ListenerFilter): boolean {
  const sa = socketAddress(l['address']);
  if (!sa) return f.address === undefined && f.port === undefined;
  return (!f.address || sa.address === f.address) && (f.port === undefined || sa.port === f.port);
}
