/** `proxy-config cluster`: istioctl's columns SERVICE FQDN, PORT, SUBSET, DIRECTION, TYPE, DESTINATION RULE. */
import { parseClusterName, type Json } from './config-dump.ts';

export interface ClusterFilter {
  readonly fqdn?: string;
  readonly port?: number;
  readonly subset?: string;
  readonly direction?: string;
}

/** "/apis/networking.istio.io/v1/namespaces/default/destination-rule/reviews" -> "reviews.default". */
function destinationRule(c: Json): string {
  const istio = ((c['metadata'] as Json | undefined)?.['filterMetadata'] as Json | undefined)?.['istio'] as Json | undefined;
  const m = /\/namespaces\/([^/]+)\/destination-rule\/([^/]+)$/.exec(String(istio?.['config'] ?? ''));
  return m ? `${m[2]}.${m[1]}` : '';
}

function clusterType(c: Json): string {
  return String(c['type'] ?? (c['clusterType'] ? (c['clusterType'] as Json)['name'] : 'EDS'));
}

export function clusterRows(clusters: readonly Json[], f: ClusterFilter): string[][] {
  const rows: string[][] = [];
  for (const c of clusters) {
    const name = String(c['name'] ?? '');
    const p = parseClusterName(name);
    const row = p
      ? [p.fqdn, p.port, p.subset || '-', p.direction, clusterType(c), destinationRule(c)]
      : [name, '-', '-', '-', clusterType(c), destinationRule(c)];
    if (f.fqdn && !(row[0] ?? '').startsWith(f.fqdn)) continue;
    if (f.port !== undefined && row[1] !== String(f.port)) continue;
    if (f.subset && row[2] !== f.subset) continue;
    if (f.direction && row[3] !== f.direction) continue;
    rows.push(row);
  }
  return rows.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? '') || Number(a[1]) - Number(b[1]));
}

export const clusterHeaders = ['SERVICE FQDN', 'PORT', 'SUBSET', 'DIRECTION', 'TYPE', 'DESTINATION RULE'];

export function clusterMatches(c: Json, f: ClusterFilter): boolean {
  return clusterRows([c], f).length > 0;
}
