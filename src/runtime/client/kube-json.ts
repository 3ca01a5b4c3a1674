/** The parts of the API's Kubernetes-shaped JSON that the client reads. */

export interface StateJson {
  readonly running?: { startedAt: string };
  readonly waiting?: { reason: string; message?: string };
  readonly terminated?: { exitCode: number; signal?: string; reason: string; message?: string; startedAt: string; finishedAt: string };
}

export interface ContainerStatusJson {
  readonly name: string;
  readonly state: StateJson;
  readonly lastState: StateJson;
  readonly ready: boolean;
  readonly restartCount: number;
  readonly lastMessage?: string;
}

export interface PodJson {
  readonly metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string>; creationTimestamp: string; deletionTimestamp?: string };
  readonly spec: { containers: { name: string }[]; initContainers?: { name: string }[]; nodeName: string };
  readonly status: {
    phase: string; reason?: string; message?: string; podIP?: string;
    conditions: { type: string; status: string }[];
    initContainerStatuses?: ContainerStatusJson[]; containerStatuses: ContainerStatusJson[];
  };
}

export interface ServiceJson {
  readonly metadata: { name: string; namespace: string; creationTimestamp: string };
  readonly spec: { type: string; clusterIP: string; selector: Record<string, string>; ports: { name?: string; port: number; targetPort: number | string; protocol: string }[] };
  readonly status?: { loadBalancer?: { ingress?: { ip: string; ports?: { port: number; protocol: string }[] }[] } };
}

export interface EndpointsJson {
  readonly metadata: { name: string; namespace: string; creationTimestamp: string };
  readonly subsets?: { addresses?: { ip: string }[]; notReadyAddresses?: { ip: string }[]; ports: { name?: string; port: number }[] }[];
}

export interface ListJson<T> {
  readonly items: T[];
}

export interface ExecContextJson {
  readonly pod: string;
  readonly namespace: string;
  readonly container: string;
  readonly containers: string[];
  readonly initContainers: string[];
  readonly netns: string;
  readonly uid: number;
  readonly gid: number;
  readonly env: Record<string, string>;
  readonly workingDir: string;
  readonly running: boolean;
}
