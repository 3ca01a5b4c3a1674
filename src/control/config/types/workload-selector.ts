/**
 * Selecting workloads. networking.istio.io resources (Sidecar, ServiceEntry) use `labels`;
 * security.istio.io resources and DestinationRule use `matchLabels`; policies may instead name
 * a Service or Gateway by targetRef(s).
 */

export interface NetworkingWorkloadSelector {
  readonly labels?: Readonly<Record<string, string>>;
}

export interface WorkloadSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
}

export interface PolicyTargetReference {
  readonly group?: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}
