/**
 * The service registry the runtime hands the sidecar (registry.json, see
 * docs/design/one-host-mesh.md): services with ClusterIPs and ports, their endpoints, and every
 * pod's workload identity. Validated at load, then deeply frozen.
 */

export type Labels = Readonly<Record<string, string>>;

export interface ServicePort {
  readonly name: string | null;
  readonly port: number;
  readonly targetPort: number;
  readonly protocol: string;
  readonly appProtocol: string | null;
}

export interface Service {
  readonly name: string;
  readonly namespace: string;
  readonly hostname: string;
  /** null, "" or "None" for a headless service. */
  readonly clusterIP: string | null;
  readonly labels: Labels;
  readonly selector: Labels;
  readonly ports: readonly ServicePort[];
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
  readonly pod: string;
  readonly ports: readonly EndpointPort[];
}

export interface Workload {
  readonly pod: string;
  readonly namespace: string;
  readonly ip: string;
  readonly workload: string;
  readonly labels: Labels;
  readonly serviceAccount: string;
  readonly sidecar: boolean;
}

export interface Registry {
  readonly version: number;
  readonly services: readonly Service[];
  readonly endpoints: readonly Endpoint[];
  readonly workloads: readonly Workload[];
}
