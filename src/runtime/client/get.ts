/**
 * `mizzen get pods|services|endpoints [NAME]`: the API's lists filtered by namespace (-n, or
 * every namespace with -A, which adds a NAMESPACE column) and printed as kubectl prints them,
 * or as JSON (-o json) or names (-o name).
 */
import { RuntimeErrors, runtimeError } from '../errors.ts';
import { invalidFlag } from '../../core/errors.ts';
import { callApi } from './api-client.ts';
import type { EndpointsJson, ListJson, PodJson, ServiceJson } from './kube-json.ts';
import { age, readyColumn, restartsColumn, statusColumn } from './pod-status.ts';
import { table } from './table.ts';

export type Resource = 'pods' | 'services' | 'endpoints';

const ALIASES: Record<string, Resource> = {
  po: 'pods', pod: 'pods', pods: 'pods', svc: 'services', service: 'services', services: 'services',
  ep: 'endpoints', endpoint: 'endpoints', endpoints: 'endpoints',
};
const SINGULAR: Record<Resource, string> = { pods: 'pod', services: 'service', endpoints: 'endpoints' };

export function resourceOf(text: string): Resource {
  const r = ALIASES[text.toLowerCase()];
  if (!r) throw invalidFlag('RESOURCE', text, 'must be pods (po), services (svc) or endpoints (ep)');
  return r;
}

export interface GetOptions {
  readonly socket: string;
  readonly resource: Resource;
  readonly name?: string;
  readonly namespace: string;
  readonly allNamespaces: boolean;
  readonly output?: string;
}

type Item = PodJson | ServiceJson | EndpointsJson;

function rows(r: Resource, items: readonly Item[], wide: boolean, now: number): { headers: string[]; rows: string[][] } {
  if (r === 'pods') {
    const headers = ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', ...(wide ? ['IP', 'NODE'] : [])];
    return { headers, rows: (items as PodJson[]).map((p) => [p.metadata.name, readyColumn(p), statusColumn(p), restartsColumn(p, now), age(p.metadata.creationTimestamp, now),
      ...(wide ? [p.status.podIP ?? '<none>', p.spec.nodeName] : [])]) };
  }
  if (r === 'services') {
    const headers = ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', ...(wide ? ['SELECTOR'] : [])];
    // The ingress gateway, exposed on the host: its address, and (where kubectl shows a node port) the host port behind port 80.
    const lb = (s: ServiceJson) => s.status?.loadBalancer?.ingress?.[0];
    const ports = (s: ServiceJson) => s.spec.ports.map((p) => {
      const host = lb(s)?.ports?.[0]?.port;
      return p.port === 80 && host !== undefined ? `80:${host}/${p.protocol}` : `${p.port}/${p.protocol}`;
    });
    return { headers, rows: (items as ServiceJson[]).map((s) => [s.metadata.name, s.spec.type, s.spec.clusterIP, lb(s)?.ip ?? '<none>',
      ports(s).join(','), age(s.metadata.creationTimestamp, now),
      ...(wide ? [Object.entries(s.spec.selector).map(([k, v]) => `${k}=${v}`).join(',') || '<none>'] : [])]) };
  }
  return { headers: ['NAME', 'ENDPOINTS', 'AGE'], rows: (items as EndpointsJson[]).map((e) => {
    const addrs = (e.subsets ?? []).flatMap((s) => (s.addresses ?? []).flatMap((a) => s.ports.map((p) => `${a.ip}:${p.port}`)));
    const shown = addrs.length > 3 ? `${addrs.slice(0, 3).join(',')} + ${addrs.length - 3} more...` : addrs.join(',');
    return [e.metadata.name, shown || '<none>', age(e.metadata.creationTimestamp, now)];
  }) };
}

export async function get(o: GetOptions, out: (text: string) => void, err: (text: string) => void): Promise<void> {
  const list = await callApi<ListJson<Item>>(o.socket, 'GET', `/v1/${o.resource}`);
  let items = list.items.filter((i) => o.allNamespaces || i.metadata.namespace === o.namespace);
  if (o.name !== undefined) {
    items = items.filter((i) => i.metadata.name === o.name);
    if (items.length === 0) throw runtimeError(RuntimeErrors.NotFound, `${o.resource} "${o.name}" not found in namespace "${o.namespace}"`);
  }
  items.sort((a, b) => a.metadata.namespace.localeCompare(b.metadata.namespace) || a.metadata.name.localeCompare(b.metadata.name));
  if (o.output === 'json') {
    out(`${JSON.stringify(o.name !== undefined && items.length === 1 ? items[0] : { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } }, null, 4)}\n`);
    return;
  }
  if (o.output === 'name') {
    out(items.map((i) => `${SINGULAR[o.resource]}/${i.metadata.name}\n`).join(''));
    return;
  }
  if (o.output !== undefined && o.output !== 'wide') throw invalidFlag('--output', o.output, 'must be wide, json or name');
  if (items.length === 0) {
    err(o.allNamespaces ? 'No resources found\n' : `No resources found in ${o.namespace} namespace.\n`);
    return;
  }
  const t = rows(o.resource, items, o.output === 'wide', Date.now());
  if (o.allNamespaces) {
    out(table(['NAMESPACE', ...t.headers], t.rows.map((r, i) => [items[i]?.metadata.namespace ?? '', ...r])));
  } else {
    out(table(t.headers, t.rows));
  }
}
