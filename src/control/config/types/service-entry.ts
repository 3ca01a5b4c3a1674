/** ServiceEntry: adds a service to Istio's registry (external APIs, VMs, services from elsewhere). */
import type { WorkloadEntry } from './workload-entry.ts';
import type { NetworkingWorkloadSelector } from './workload-selector.ts';

export interface ServicePort {
  readonly number: number;
  readonly protocol?: string;
  readonly name: string;
  readonly targetPort?: number;
}

export interface ServiceEntry {
  readonly hosts: readonly string[];
  readonly addresses?: readonly string[];
  readonly ports?: readonly ServicePort[];
  readonly location?: 'MESH_EXTERNAL' | 'MESH_INTERNAL';
  readonly resolution?: 'NONE' | 'STATIC' | 'DNS' | 'DNS_ROUND_ROBIN';
  readonly endpoints?: readonly WorkloadEntry[];
  readonly workloadSelector?: NetworkingWorkloadSelector;
  readonly exportTo?: readonly string[];
  readonly subjectAltNames?: readonly string[];
}
