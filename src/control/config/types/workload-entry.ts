/** WorkloadEntry: a non-Kubernetes workload (VM, bare metal) or a ServiceEntry endpoint. */

export interface WorkloadEntry {
  readonly address?: string;
  /** Port name -> number, overriding the service's ports. */
  readonly ports?: Readonly<Record<string, number>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly network?: string;
  readonly locality?: string;
  readonly weight?: number;
  readonly serviceAccount?: string;
}
