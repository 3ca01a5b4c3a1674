/**
 * A pod as the runtime will run it: the object after Deployment expansion and sidecar injection
 * (istio-init and istio-proxy added, probes rewritten), with each container's role and the
 * user it runs as, and the workload it belongs to.
 */
import type { Container, ObjectMeta, PodSpec } from './objects.ts';

export type ContainerRole = 'init' | 'sidecar' | 'app';

export interface PlannedContainer {
  readonly spec: Container;
  readonly role: ContainerRole;
  readonly uid: number;
  readonly gid: number;
}

export interface PlannedPod {
  readonly metadata: ObjectMeta;
  readonly spec: PodSpec;
  /** init containers in order, then the containers (the sidecar first when apps wait for it). */
  readonly initContainers: readonly PlannedContainer[];
  readonly containers: readonly PlannedContainer[];
  /** The Deployment's name, or the pod's own for a bare Pod (Istio's workload name). */
  readonly workload: string;
  /** The ReplicaSet a Deployment's pod belongs to ("web-7f9c4d"), absent for a bare Pod. */
  readonly replicaSet?: string;
  readonly sidecar: boolean;
  /** Apps start only after the sidecar's 127.0.0.1:15021/healthz/ready answers 200. */
  readonly holdApplicationUntilProxyStarts: boolean;
}
