/**
 * The Kubernetes objects the one-host runtime understands, after validation: the subset of
 * v1 Namespace, ServiceAccount, Service, Pod and apps/v1 Deployment that `mizzen up` runs.
 * Field names are Kubernetes' own so that JSON output reads like kubectl's.
 */

export type Labels = Readonly<Record<string, string>>;

export interface ObjectMeta {
  readonly name: string;
  /** Empty for cluster-scoped objects (Namespace). */
  readonly namespace: string;
  readonly labels: Labels;
  readonly annotations: Labels;
}

export interface HTTPHeader {
  readonly name: string;
  readonly value: string;
}

/** A port as written: a number, or the name of a container port. */
export type IntOrString = number | string;

export interface HTTPGetAction {
  readonly path: string;
  readonly port: IntOrString;
  readonly host?: string;
  readonly scheme: 'HTTP' | 'HTTPS';
  readonly httpHeaders: readonly HTTPHeader[];
}

export interface Probe {
  readonly httpGet?: HTTPGetAction;
  readonly tcpSocket?: { readonly port: IntOrString; readonly host?: string };
  readonly exec?: { readonly command: readonly string[] };
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
}

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  /** fieldRef.fieldPath: metadata.name, metadata.namespace, status.podIP, ... */
  readonly fieldPath?: string;
}

export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
}

export interface Container {
  readonly name: string;
  readonly image: string;
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly env: readonly EnvVar[];
  readonly ports: readonly ContainerPort[];
  readonly workingDir?: string;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly startupProbe?: Probe;
}

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export interface PodSpec {
  readonly initContainers: readonly Container[];
  readonly containers: readonly Container[];
  readonly restartPolicy: RestartPolicy;
  readonly serviceAccountName: string;
  readonly terminationGracePeriodSeconds: number;
  /** Pod-level securityContext.runAsUser/runAsGroup, the default for every container. */
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
}

export interface Pod {
  readonly kind: 'Pod';
  readonly metadata: ObjectMeta;
  readonly spec: PodSpec;
}

export interface Deployment {
  readonly kind: 'Deployment';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly replicas: number;
    readonly selector: Labels;
    readonly template: { readonly metadata: { readonly labels: Labels; readonly annotations: Labels }; readonly spec: PodSpec };
  };
}

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly targetPort: IntOrString;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly appProtocol?: string;
}

export interface Service {
  readonly kind: 'Service';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly type: 'ClusterIP';
    /** As written; allocated from the service CIDR when absent. */
    readonly clusterIP?: string;
    readonly selector: Labels;
    readonly ports: readonly ServicePort[];
  };
}

export interface Namespace {
  readonly kind: 'Namespace';
  readonly metadata: ObjectMeta;
}

export interface ServiceAccount {
  readonly kind: 'ServiceAccount';
  readonly metadata: ObjectMeta;
}

export type KubeObject = Namespace | ServiceAccount | Service | Pod | Deployment;

/** "Kind namespace/name" (or "Kind name" for cluster-scoped objects), as errors name objects. */
export function objectRef(kind: string, meta: { name: string; namespace: string }): string {
  return meta.namespace === '' ? `${kind} ${meta.name}` : `${kind} ${meta.namespace}/${meta.name}`;
}
