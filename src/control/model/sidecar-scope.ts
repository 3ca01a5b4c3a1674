/**
 * SidecarScope: what one proxy can reach (Istio's model.SidecarScope). The Sidecar that applies
 * is the one in the proxy's namespace whose workloadSelector selects it, else the one without a
 * selector in its namespace, else the root namespace's; without one, every exported service.
 * Egress `hosts` (`ns/host`: ns `*`, `.` or a name; host `*`, `*.suffix` or a name) narrow the
 * services, their ports (an egress listener with a port) and the VirtualServices. Its `ingress`
 * listeners, when present, replace the inbound ports taken from the proxy's service instances.
 */
import type { Resource } from '../config/resource.ts';
import type { IstioEgressListener, IstioIngressListener } from '../config/types/sidecar.ts';
import type { Service, ServicePort } from '../registry/model.ts';
import { selects } from './labels.ts';
import type { OutboundTrafficPolicyMode } from './mesh-config.ts';
import type { Proxy } from './proxy.ts';
import type { BoundVirtualService } from './virtual-services.ts';
import { exportedTo, hostMatches } from './visibility.ts';

export interface SidecarScope {
  /** `Sidecar <ns>/<name>`, or "default" when no Sidecar applies. */
  readonly name: string;
  readonly outboundTrafficPolicy: OutboundTrafficPolicyMode;
  /** Visible services (sorted by hostname), each with its visible ports. */
  readonly services: readonly Service[];
  readonly virtualServices: readonly BoundVirtualService[];
  /** The applying Sidecar's ingress listeners (none without a Sidecar, or when it has none). */
  readonly ingress: readonly IstioIngressListener[];
  service(hostname: string): Service | undefined;
}

export function selectSidecar(sidecars: readonly Resource<'Sidecar'>[], proxy: Pick<Proxy, 'namespace' | 'labels'>, rootNamespace: string): Resource<'Sidecar'> | undefined {
  const own = sidecars.filter((s) => s.metadata.namespace === proxy.namespace);
  return own.find((s) => s.spec.workloadSelector?.labels && selects(s.spec.workloadSelector.labels, proxy.labels))
    ?? own.find((s) => !s.spec.workloadSelector?.labels)
    ?? sidecars.find((s) => s.metadata.namespace === rootNamespace && !s.spec.workloadSelector?.labels);
}

function egressMatches(hosts: readonly string[], namespace: string, hostname: string, proxyNs: string): boolean {
  return hosts.some((entry) => {
    const slash = entry.indexOf('/');
    const ns = slash < 0 ? '*' : entry.slice(0, slash);
    const host = slash < 0 ? entry : entry.slice(slash + 1);
    if (ns === '~') return false;
    const nsOk = ns === '*' || (ns === '.' ? namespace === proxyNs : ns === namespace);
    return nsOk && hostMatches(hostname, host.toLowerCase());
  });
}

function visiblePorts(egress: readonly IstioEgressListener[], svc: Service, proxyNs: string): ServicePort[] {
  return svc.ports.filter((p) => egress.some((l) =>
    (l.port?.number === undefined || l.port.number === p.port) && egressMatches(l.hosts, svc.namespace, svc.hostname, proxyNs)));
}

export interface ScopeInputs {
  readonly services: readonly Service[];
  readonly virtualServices: readonly BoundVirtualService[];
  readonly sidecars: readonly Resource<'Sidecar'>[];
  readonly rootNamespace: string;
  readonly meshPolicy: OutboundTrafficPolicyMode;
}

export function buildSidecarScope(inputs: ScopeInputs, proxy: Pick<Proxy, 'namespace' | 'labels'>): SidecarScope {
  const sidecar = selectSidecar(inputs.sidecars, proxy, inputs.rootNamespace);
  const egress = sidecar?.spec.egress ?? [];
  const exported = inputs.services.filter((s) => exportedTo(s.exportTo, s.namespace, proxy.namespace));
  const services = sidecar && egress.length > 0
    ? exported.flatMap((s) => {
      const ports = visiblePorts(egress, s, proxy.namespace);
      return ports.length === 0 ? [] : [ports.length === s.ports.length ? s : Object.freeze({ ...s, ports })];
    })
    : exported;
  const virtualServices = sidecar && egress.length > 0
    ? inputs.virtualServices.filter((vs) => vs.hosts.some((h) => egress.some((l) => egressMatches(l.hosts, vs.resource.metadata.namespace, h, proxy.namespace))))
    : inputs.virtualServices;
  const byHost = new Map(services.map((s) => [s.hostname, s]));
  return Object.freeze({
    name: sidecar ? `Sidecar ${sidecar.metadata.namespace}/${sidecar.metadata.name}` : 'default',
    outboundTrafficPolicy: sidecar?.spec.outboundTrafficPolicy?.mode ?? inputs.meshPolicy,
    services: Object.freeze(services),
    virtualServices: Object.freeze(virtualServices),
    ingress: sidecar?.spec.ingress ?? [],
    service: (hostname: string) => byHost.get(hostname),
  });
}
