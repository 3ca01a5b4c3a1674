/** `proxy-config endpoint`: istioctl's columns ENDPOINT, STATUS, OUTLIER CHECK, CLUSTER. */
import { socketAddress, type Json } from './config-dump.ts';

export interface EndpointFilter {
  readonly cluster?: string;
  readonly status?: string;
  readonly address?: string;
  readonly port?: number;
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
        rows.push([`${sa.address}:${sa.port}`, status, String(lb['outlierCheck'] ?? 'OK'), cluster]);
      }
    }
  }
  return rows.sort((a, b) => (a[3] ?? '').localeCompare(b[3] ?? '') || (a[0] ?? '').localeCompare(b[0] ?? ''));
}

export const endpointHeaders = ['ENDPOINT', 'STATUS', 'OUTLIER CHECK', 'CLUSTER'];
