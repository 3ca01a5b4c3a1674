/** Sidecar: narrows what a sidecar proxy listens on and which services it can reach. */
import type { ConnectionPoolSettings } from './connection-pool.ts';
import type { Destination } from './destination.ts';
import type { ServerTLSSettings } from './gateway.ts';
import type { NetworkingWorkloadSelector } from './workload-selector.ts';

export type CaptureMode = 'DEFAULT' | 'IPTABLES' | 'NONE';

export interface SidecarPort {
  readonly number?: number;
  readonly protocol?: string;
  readonly name?: string;
  readonly targetPort?: number;
}

export interface IstioIngressListener {
  readonly port: SidecarPort;
  readonly bind?: string;
  readonly captureMode?: CaptureMode;
  readonly defaultEndpoint?: string;
  readonly tls?: ServerTLSSettings;
  readonly connectionPool?: ConnectionPoolSettings;
}

export interface IstioEgressListener {
  readonly port?: SidecarPort;
  readonly bind?: string;
  readonly captureMode?: CaptureMode;
  /** `namespace/host` entries, such as "./*" or "istio-system/*" (a `*` namespace means any). */
  readonly hosts: readonly string[];
}

export interface OutboundTrafficPolicy {
  readonly mode?: 'REGISTRY_ONLY' | 'ALLOW_ANY';
  readonly egressProxy?: Destination;
}

export interface Sidecar {
  readonly workloadSelector?: NetworkingWorkloadSelector;
  readonly ingress?: readonly IstioIngressListener[];
  readonly egress?: readonly IstioEgressListener[];
  readonly inboundConnectionPool?: ConnectionPoolSettings;
  readonly outboundTrafficPolicy?: OutboundTrafficPolicy;
}
