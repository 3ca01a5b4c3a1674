/**
 * What planning needs to know about the running mesh: each pod's address, readiness and ports,
 * each service's allocated ClusterIP. The supervisor builds these from its store; the planners
 * (endpoints, registry, service rules, hosts files) are pure functions of them.
 */
import type { ContainerPort, Labels, Service } from './objects.ts';

export interface PodView {
  readonly namespace: string;
  readonly name: string;
  /** Empty until the pod's network exists. */
  readonly ip: string;
  readonly ready: boolean;
  /** False once the pod has finished (Succeeded/Failed): it serves nothing. */
  readonly active: boolean;
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[];
  readonly workload: string;
  readonly serviceAccount: string;
  readonly sidecar: boolean;
}

export interface ServiceView {
  readonly service: Service;
  readonly clusterIP: string;
}

export interface EndpointPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
}

export interface Endpoint {
  readonly service: string;
  readonly namespace: string;
  readonly ip: string;
  readonly ready: boolean;
  readonly pod: string;
  readonly ports: readonly EndpointPort[];
}
