/**
 * PushContext: one immutable snapshot of config and registry, built once per push and shared by
 * every proxy's generation (Istio's model.PushContext). It indexes services by host, endpoints by
 * host, mesh-bound VirtualServices (delegates merged into their roots), DestinationRules and
 * Sidecars, and memoizes each proxy's SidecarScope (the memo is the only mutable part, and it
 * only ever caches pure results).
 */
import type { ConfigStore } from '../config/store.ts';
import type { CredentialSecret } from '../config/secrets/kube-secret.ts';
import type { Logger } from '../../core/log.ts';
import type { Resource } from '../config/resource.ts';
import { gatewayBoundVirtualServices } from './gateway-virtual-services.ts';
import type { Service, ServiceEndpoint, WorkloadInstance } from '../registry/model.ts';
import type { ServiceRegistry } from '../registry/service-registry.ts';
import { stableJson } from '../config/stable-json.ts';
import { mergeDelegates } from './delegate-virtual-services.ts';
import { DestinationRuleIndex } from './destination-rules.ts';
import type { MeshConfig } from './mesh-config.ts';
import type { Proxy } from './proxy.ts';
import { buildSidecarScope, type SidecarScope } from './sidecar-scope.ts';
import { meshVirtualServices, virtualServiceFor, virtualServicesOverlapping, type BoundVirtualService } from './virtual-services.ts';

export interface PushContextInputs {
  readonly store: ConfigStore;
  readonly registry: ServiceRegistry;
  readonly mesh: MeshConfig;
  /** The push version, `<RFC 3339 time>/<n>` as istiod writes it. */
  readonly version: string;
  /** Where generation problems a user must know about go (istiod's log), once per push. */
  readonly log?: Logger;
}

export class PushContext {
  readonly version: string;
  readonly mesh: MeshConfig;
  readonly createdAt: Date;
  readonly destinationRules: DestinationRuleIndex;
  private readonly serviceList: readonly Service[];
  private readonly serviceByHost: ReadonlyMap<string, Service>;
  private readonly endpointsByHost: ReadonlyMap<string, readonly ServiceEndpoint[]>;
  private readonly workloadByIp: ReadonlyMap<string, WorkloadInstance>;
  private readonly meshVs: readonly BoundVirtualService[];
  private readonly sidecars: readonly Resource<'Sidecar'>[];
  private readonly gatewayList: readonly Resource<'Gateway'>[];
  private readonly gatewayVs: readonly BoundVirtualService[];
  private readonly scopes = new Map<string, SidecarScope>();
  private readonly secretMap: ReadonlyMap<string, CredentialSecret>;
  private readonly log: Logger | undefined;
  private readonly warned = new Set<string>();

  constructor(inputs: PushContextInputs) {
    this.version = inputs.version;
    this.mesh = inputs.mesh;
    this.createdAt = new Date();
    const snap = inputs.registry.snapshot();
    this.serviceList = Object.freeze([...snap.services].sort((a, b) => a.hostname.localeCompare(b.hostname)));
    this.serviceByHost = new Map(this.serviceList.map((s) => [s.hostname, s]));
    const eps = new Map<string, ServiceEndpoint[]>();
    for (const ep of snap.endpoints) {
      const list = eps.get(ep.hostname);
      if (list) list.push(ep);
      else eps.set(ep.hostname, [ep]);
    }
    this.endpointsByHost = eps;
    this.workloadByIp = new Map(snap.workloads.map((w) => [w.address, w]));
    // Delegate VirtualServices are merged into their roots once, for sidecars and gateways alike.
    const virtualServices = mergeDelegates(inputs.store.list('VirtualService'));
    this.meshVs = Object.freeze(meshVirtualServices(virtualServices));
    this.destinationRules = new DestinationRuleIndex(inputs.store.list('DestinationRule'), inputs.mesh.rootNamespace);
    this.sidecars = inputs.store.list('Sidecar');
    this.gatewayList = inputs.store.list('Gateway');
    this.gatewayVs = Object.freeze(gatewayBoundVirtualServices(virtualServices));
    this.secretMap = inputs.store.secrets.snapshot();
    this.log = inputs.log;
    Object.freeze(this);
  }

  services(): readonly Service[] {
    return this.serviceList;
  }

  service(hostname: string): Service | undefined {
    return this.serviceByHost.get(hostname);
  }

  endpoints(hostname: string): readonly ServiceEndpoint[] {
    return this.endpointsByHost.get(hostname) ?? [];
  }

  workload(ip: string): WorkloadInstance | undefined {
    return this.workloadByIp.get(ip);
  }

  virtualServices(): readonly BoundVirtualService[] {
    return this.meshVs;
  }

  /** Every Gateway (sorted by namespace and name). */
  gateways(): readonly Resource<'Gateway'>[] {
    return this.gatewayList;
  }

  /** A gateway credential Secret (Kubernetes Secret `namespace/name`), as of this push. */
  secret(namespace: string, name: string): CredentialSecret | undefined {
    return this.secretMap.get(`${namespace}/${name}`);
  }

  /** Logs a generation warning (a server left out, and why) once per push context. */
  warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.log?.warn(message);
  }

  /** VirtualServices bound to at least one Gateway (`gateways` names one besides `mesh`). */
  gatewayVirtualServices(): readonly BoundVirtualService[] {
    return this.gatewayVs;
  }

  /**
   * What the proxy can see; memoized per namespace and label set. Sidecar resources do not
   * apply to gateways (type router), which see every exported service, as in Istio.
   */
  sidecarScope(proxy: Pick<Proxy, 'namespace' | 'labels'> & { readonly type?: Proxy['type'] }): SidecarScope {
    const router = proxy.type === 'router';
    const key = `${router ? 'router|' : ''}${proxy.namespace}|${stableJson(proxy.labels)}`;
    let scope = this.scopes.get(key);
    if (!scope) {
      scope = buildSidecarScope({
        services: this.serviceList, virtualServices: this.meshVs, sidecars: router ? [] : this.sidecars,
        rootNamespace: this.mesh.rootNamespace, meshPolicy: this.mesh.outboundTrafficPolicy,
      }, proxy);
      this.scopes.set(key, scope);
    }
    return scope;
  }

  /** The VirtualService routing `hostname` for the proxy, among those its scope sees. */
  virtualServiceFor(proxy: Pick<Proxy, 'namespace' | 'labels'>, hostname: string): BoundVirtualService | undefined {
    return virtualServiceFor(this.sidecarScope(proxy).virtualServices, proxy.namespace, hostname);
  }

  /** The VirtualServices whose `tcp` and `tls` rules shape the proxy's listeners for `hostname`. */
  l4VirtualServices(proxy: Pick<Proxy, 'namespace' | 'labels'>, hostname: string): readonly BoundVirtualService[] {
    return virtualServicesOverlapping(this.sidecarScope(proxy).virtualServices, proxy.namespace, hostname);
  }

  /** The services whose endpoints are the proxy's own workload (what inbound listeners serve). */
  serviceInstances(proxy: Pick<Proxy, 'ipAddresses'>): readonly ServiceEndpoint[] {
    const ips = new Set(proxy.ipAddresses);
    if (ips.size === 0) return [];
    const out: ServiceEndpoint[] = [];
    for (const list of this.endpointsByHost.values()) for (const ep of list) if (ips.has(ep.address)) out.push(ep);
    return out;
  }
}
