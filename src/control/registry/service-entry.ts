/**
 * ServiceEntry (+ WorkloadEntry) -> Services and ServiceEndpoints, as Istio's serviceentry
 * controller converts them: one Service per host, ports with their declared protocol,
 * location MESH_EXTERNAL by default, resolution NONE -> Passthrough, STATIC -> ClientSideLB
 * (endpoints from `endpoints` or from the WorkloadEntries and pods `workloadSelector` picks),
 * DNS -> DNSLB (endpoints are names; without endpoints, the host itself), DNS_ROUND_ROBIN ->
 * DNSRoundRobinLB. Pure.
 */
import { isIP } from 'node:net';
import type { Resource } from '../config/resource.ts';
import type { WorkloadEntry } from '../config/types/workload-entry.ts';
import { selects } from '../model/labels.ts';
import type { Labels, Resolution, Service, ServiceEndpoint, ServicePort, WorkloadInstance } from './model.ts';
import { parseProtocol } from './protocol.ts';

const RESOLUTION: Readonly<Record<string, Resolution>> = { NONE: 'Passthrough', STATIC: 'ClientSideLB', DNS: 'DNSLB', DNS_ROUND_ROBIN: 'DNSRoundRobinLB' };

/** A VIP from `addresses`: an IP, or a /32 (/128) range; wider ranges are not a single VIP. */
function vip(addresses: readonly string[] | undefined): string | undefined {
  for (const a of addresses ?? []) {
    const [ip = '', bits] = a.split('/');
    if (isIP(ip) !== 0 && (bits === undefined || bits === '32' || bits === '128')) return ip;
  }
  return undefined;
}

interface Target {
  readonly address: string;
  readonly ports?: Readonly<Record<string, number>>;
  readonly labels: Labels;
  readonly serviceAccount: string;
  readonly locality: string;
  readonly weight: number;
  readonly network: string;
  readonly name: string;
  readonly sidecar: boolean;
}

const fromEntry = (we: WorkloadEntry, name: string): Target => ({
  address: we.address ?? '', ...(we.ports ? { ports: we.ports } : {}), labels: we.labels ?? {}, serviceAccount: we.serviceAccount ?? 'default',
  locality: we.locality ?? '', weight: we.weight ?? 1, network: we.network ?? '', name, sidecar: false,
});

const fromPod = (w: WorkloadInstance): Target => ({
  address: w.address, labels: w.labels, serviceAccount: w.serviceAccount, locality: '', weight: 1, network: '', name: w.workloadName, sidecar: w.sidecar,
});

export interface ServiceEntryInputs {
  readonly workloadEntries: readonly Resource<'WorkloadEntry'>[];
  readonly pods: readonly WorkloadInstance[];
}

export function convertServiceEntry(se: Resource<'ServiceEntry'>, inputs: ServiceEntryInputs): { services: Service[]; endpoints: ServiceEndpoint[] } {
  const ns = se.metadata.namespace;
  const spec = se.spec;
  const resolution = RESOLUTION[spec.resolution ?? 'NONE'] ?? 'Passthrough';
  const ports: ServicePort[] = (spec.ports ?? []).map((p) => ({
    name: p.name, port: p.number, ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}), protocol: parseProtocol(p.protocol ?? '') ?? 'Unsupported',
  }));
  const address = vip(spec.addresses);
  const services: Service[] = spec.hosts.map((host) => ({
    hostname: host.toLowerCase(), name: host.toLowerCase(), namespace: ns, ...(address ? { address } : {}), ports,
    labels: se.metadata.labels ?? {}, meshExternal: (spec.location ?? 'MESH_EXTERNAL') === 'MESH_EXTERNAL', resolution,
    exportTo: spec.exportTo ?? ['*'], provider: 'External', configKey: `ServiceEntry/${ns}/${se.metadata.name}`,
  }));
  let targets: Target[] = (spec.endpoints ?? []).map((we, i) => fromEntry(we, `${se.metadata.name}-${i}`));
  const selector = spec.workloadSelector?.labels;
  if (selector) {
    targets = [
      ...inputs.workloadEntries.filter((we) => we.metadata.namespace === ns && selects(selector, we.spec.labels ?? {}))
        .map((we) => fromEntry({ ...we.spec, labels: { ...(we.metadata.labels ?? {}), ...(we.spec.labels ?? {}) } }, we.metadata.name)),
      ...inputs.pods.filter((p) => p.namespace === ns && selects(selector, p.labels)).map(fromPod),
    ];
  }
  if (targets.length === 0 && resolution === 'DNSLB') {
    targets = spec.hosts.filter((h) => !h.includes('*')).map((h) => fromEntry({ address: h }, h));
  }
  const endpoints: ServiceEndpoint[] = [];
  for (const svc of services) {
    for (const t of targets) {
      if (t.address === '' || t.address.startsWith('unix://')) continue;
      for (const p of ports) {
        endpoints.push({
          hostname: svc.hostname, servicePortName: p.name, servicePort: p.port, address: t.address,
          port: t.ports?.[p.name] ?? p.targetPort ?? p.port, ready: true, labels: t.labels, namespace: ns, workloadName: t.name, podName: t.name,
          serviceAccount: t.serviceAccount, locality: t.locality, weight: t.weight, network: t.network, sidecar: t.sidecar,
        });
      }
    }
  }
  return { services, endpoints };
}
