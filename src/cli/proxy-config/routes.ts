/** `proxy-config route`: istioctl's columns NAME, VHOST NAME, DOMAINS, MATCH, VIRTUAL SERVICE. */
import type { Json } from './config-dump.ts';

function domains(list: readonly string[]): string {
  if (list.length <= 2) return list.join(', ');
  return `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...`;
}

function matchText(m: Json | undefined): string {
  if (!m) return '/*';
  if (m['prefix'] !== undefined) return `${String(m['prefix'])}*`;
  if (m['path'] !== undefined) return String(m['path']);
  const re = (m['safeRegex'] as Json | undefined)?.['regex'];
  if (re !== undefined) return String(re);
  return '/*';
}

/** "/apis/networking.istio.io/v1/namespaces/default/virtual-service/reviews" -> "reviews.default". */
function virtualService(route: Json): string {
  const istio = ((route['metadata'] as Json | undefined)?.['filterMetadata'] as Json | undefined)?.['istio'] as Json | undefined;
  const m = /\/namespaces\/([^/]+)\/virtual-service\/([^/]+)$/.exec(String(istio?.['config'] ?? ''));
  return m ? `${m[2]}.${m[1]}` : '';
}

export function routeRows(configs: readonly Json[], f: { name?: string }): string[][] {
  const rows: string[][] = [];
  for (const rc of configs) {
    const name = String(rc['name'] ?? '');
    if (f.name && name !== f.name) continue;
    for (const vh of (rc['virtualHosts'] ?? []) as Json[]) {
      for (const r of ((vh['routes'] ?? []) as Json[]).length > 0 ? (vh['routes'] as Json[]) : [{}]) {
        rows.push([name, String(vh['name'] ?? ''), domains((vh['domains'] ?? []) as string[]), matchText(r['match'] as Json | undefined), virtualService(r)]);
      }
    }
  }
  return rows;
}

export const routeHeaders = ['NAME', 'VHOST NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE'];
