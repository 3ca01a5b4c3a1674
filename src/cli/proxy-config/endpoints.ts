/**
 * `proxy-config endpoint`: istioctl's columns ENDPOINT, STATUS, OUTLIER CHECK, CLUSTER. The
 * outlier check comes, as istioctl takes it, from admin /clusters?format=json: FAILED for a host
 * outlier detection has ejected, else OK.
 */
import { socketAddress, type Json } from './config-dump.ts';

export interface EndpointFilter {
  readonly cluster?: string;
  readonly status?: string;
  readonly address?: string;
  readonly port?: number;
  /** `cluster|ip:port` of the hosts /clusters shows with failedOutlierCheck. */
  readonly failedOutlierCheck?: ReadonlySet<string>;
}

/** The failedOutlierCheck hosts of admin /clusters?format=json, as `cluster|ip:port`. */
export function failedOutlierChecks(clusters: Json): Set<string> {
  const out = new Set<string>();
  for (const c of (clusters['clusterStatuses'] ?? []) as Json[]) {
    for (const h of (c['hostStatuses'] ?? []) as Json[]) {
      const sa = socketAddress(h['address']);
      if (sa && (h['healthStatus'] as Json | undefined)?.['failedOutlierCheck'] === true) out.add(`${String(c['name'])}|${sa.address}:${sa.port}`);
    }
  }
  return out;
}

export function endpointRows(assignments: readonly Json[], f: EndpointFilter): string[][] {
  const rows: string[][] = [];
  for (const cla of assignments) {
    const cluster = String(cla['clusterName'] ?? '');
    if (f.cluster && cluster !== f.cluster) continue;
    for (const locality of (cla['endpoints'] ?? []) as Json[]) {
      for (const lb of (locality['lbEndpoints'] ?? []) as Json[]) {
        const sa = socketAddress((lb['endpoint'] as Json | undefined)?.['address']);
        if (!sa) continue;
        const status = String(lb['healthStatus'] ?? 'HEALTHY');
        if (f.status && status !== f.status) continue;
        if (f.address && sa.address !== f.address) continue;
        if (f.port !== undefined && sa.port !== f.port) continue;
        const ejected = f.failedOutlierCheck?.has(`${cluster}|${sa.address}:${sa.port}`) ?? false;
        rows.push([`${sa.address}:${sa.port}`, status, ejected ? 'FAILED' : 'OK', cluster]);
      }
    }
  }
  return rows.sort((a, b) => (a[3] ?? '').localeCompare(b[3] ?? '') || (a[0] ?? '').localeCompare(b[0] ?? ''));
}

export const endpointHeaders = ['ENDPOINT', 'STATUS', 'OUTLIER CHECK', 'CLUSTER'];
