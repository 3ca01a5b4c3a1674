/**
 * The service model the generators read, whatever the source (registry.json today, ServiceEntry
 * and WorkloadEntry from config, a Kubernetes watch later): a Service per host with its ports,
 * a ServiceEndpoint per (workload, service port) with readiness and workload identity, and the
 * workload instances by IP. Names follow Istio's model package (Service, IstioEndpoint,
 * Resolution, Protocol). Everything is deep-frozen once built.
 */

export type Labels = Readonly<Record<string, string>>;

/** Istio's protocol names for a port (protocol.ts infers them). */
export type Protocol = 'HTTP' | 'HTTP2' | 'GRPC' | 'GRPC-Web' | 'HTTPS' | 'TLS' | 'TCP' | 'Mongo' | 'MySQL' | 'Redis' | 'UDP' | 'Unsupported';

/**
 * How a client reaches the service's endpoints (Istio's model.Resolution): through endpoints the
 * control plane lists (ClientSideLB), to the address the client dialled (Passthrough), or to the
 * addresses a DNS name resolves to (DNSLB, DNSRoundRobinLB).
 */
export type Resolution = 'ClientSideLB' | 'Passthrough' | 'DNSLB' | 'DNSRoundRobinLB';

/** Which registry a service came from, as Istio's provider IDs. */
export type RegistryProvider = 'Kubernetes' | 'External';

export interface ServicePort {
  readonly name: string;
  readonly port: number;
  /** The port on the workloads, when the source knows one for every endpoint (Kubernetes targetPort). */
  readonly targetPort?: number;
  readonly protocol: Protocol;
}

export interface Service {
  /** The FQDN: `reviews.default.svc.cluster.local`, or a ServiceEntry host. */
  readonly hostname: string;
  /** Short name and namespace (a ServiceEntry's hosts use the entry's namespace). */
  readonly name: string;
  readonly namespace: string;
  /** The ClusterIP or the ServiceEntry's first address; absent for headless services and entries without addresses. */
  readonly address?: string;
  readonly ports: readonly ServicePort[];
  readonly labels: Labels;
  readonly selector?: Labels;
  readonly meshExternal: boolean;
  readonly resolution: Resolution;
  /** Namespaces the service is visible to: `*` (default), `.` or names. */
  readonly exportTo: readonly string[];
  readonly provider: RegistryProvider;
  /** `Kind/namespace/name` of the config that defined it (ServiceEntry), for metadata. */
  readonly configKey?: string;
}

/** One workload reachable through one service port (Istio's IstioEndpoint). */
export interface ServiceEndpoint {
  readonly hostname: string;
  /** The service port's name, and its number (the endpoint belongs to that port). */
  readonly servicePortName: string;
  readonly servicePort: number;
  readonly address: string;
  /** The port the workload listens on. */
  readonly port: number;
  readonly ready: boolean;
  readonly labels: Labels;
  readonly namespace: string;
  readonly workloadName: string;
  readonly podName: string;
  readonly serviceAccount: string;
  /** `region/zone/subzone`, or "" for none. */
  readonly locality: string;
  readonly weight: number;
  readonly network: string;
  /** Whether the workload runs a sidecar. */
  readonly sidecar: boolean;
}

/** A pod or VM, found by IP: what the generators know about a proxy's own workload. */
export interface WorkloadInstance {
  readonly name: string;
  readonly namespace: string;
  readonly address: string;
  readonly workloadName: string;
  readonly labels: Labels;
  readonly serviceAccount: string;
  readonly sidecar: boolean;
}

/** Everything one registry holds at one moment. */
export interface RegistrySnapshot {
  readonly services: readonly Service[];
  readonly endpoints: readonly ServiceEndpoint[];
  readonly workloads: readonly WorkloadInstance[];
}

export const EMPTY_SNAPSHOT: RegistrySnapshot = Object.freeze({ services: Object.freeze([]), endpoints: Object.freeze([]), workloads: Object.freeze([]) });
