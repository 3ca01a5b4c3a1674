/**
 * registry.json as the runtime writes it (docs/design/one-host-mesh.md): services with ClusterIPs
 * and ports, their endpoints, and every pod's workload identity. The one schema both readers share
 * (the control plane's file registry and the sidecar's --no-control-plane mode); parse.ts
 * validates a file into it and deep-freezes the result. Values are the file's own, with only the
 * documented defaults filled in; what they mean (protocols, endpoint ports) is each reader's.
 */

export type Labels = Readonly<Record<string, string>>;

export interface ServicePort {
  /** null when the port has no name. */
  readonly name: string | null;
  readonly port: number;
  /** Resolved to a number by the runtime; the service port when absent. */
  readonly targetPort: number;
  /** `TCP` when absent. */
  readonly protocol: string;
  readonly appProtocol: string | null;
}

export interface Service {
  readonly name: string;
  readonly namespace: string;
  /** Lower case; `name.namespace.svc.cluster.local` when absent. */
  readonly hostname: string;
  /** null for a headless service (absent, null, "" or "None" in the file). */
  readonly clusterIP: string | null;
  readonly labels: Labels;
  readonly selector: Labels;
  readonly ports: readonly ServicePort[];
  /** The Service's `networking.istio.io/exportTo` annotation, split on commas; absent: exported everywhere. */
  readonly exportTo?: readonly string[];
}

export interface EndpointPort {
  readonly name: string | null;
  readonly port: number;
}

export interface Endpoint {
  readonly service: string;
  readonly namespace: string;
  readonly ip: string;
  readonly ready: boolean;
  /** "" when absent. */
  readonly pod: string;
  readonly ports: readonly EndpointPort[];
}

export interface Workload {
  readonly pod: string;
  readonly namespace: string;
  readonly ip: string;
  /** "" when absent. */
  readonly workload: string;
  readonly labels: Labels;
  /** "" when absent. */
  readonly serviceAccount: string;
  readonly sidecar: boolean;
}

export interface Registry {
  readonly version: number;
  readonly services: readonly Service[];
  readonly endpoints: readonly Endpoint[];
  readonly workloads: readonly Workload[];
}
