/**
 * The Istio config kinds Mizzen serves: their API group, the versions users write
 * (networking v1, v1beta1, v1alpha3; security v1, v1beta1), and the spec type of each.
 */
import type { AuthorizationPolicy } from './types/authorization-policy.ts';
import type { DestinationRule } from './types/destination-rule.ts';
import type { Gateway } from './types/gateway.ts';
import type { PeerAuthentication } from './types/peer-authentication.ts';
import type { RequestAuthentication } from './types/request-authentication.ts';
import type { ServiceEntry } from './types/service-entry.ts';
import type { Sidecar } from './types/sidecar.ts';
import type { VirtualService } from './types/virtual-service.ts';
import type { WorkloadEntry } from './types/workload-entry.ts';

export interface SpecByKind {
  readonly VirtualService: VirtualService;
  readonly DestinationRule: DestinationRule;
  readonly Gateway: Gateway;
  readonly ServiceEntry: ServiceEntry;
  readonly Sidecar: Sidecar;
  readonly WorkloadEntry: WorkloadEntry;
  readonly PeerAuthentication: PeerAuthentication;
  readonly AuthorizationPolicy: AuthorizationPolicy;
  readonly RequestAuthentication: RequestAuthentication;
}

export type Kind = keyof SpecByKind;

export const NETWORKING = 'networking.istio.io';
export const SECURITY = 'security.istio.io';
const NETWORKING_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'] as const;
const SECURITY_VERSIONS = ['v1', 'v1beta1'] as const;

export interface KindInfo {
  readonly kind: Kind;
  readonly group: string;
  readonly versions: readonly string[];
}

export const KINDS: Readonly<Record<Kind, KindInfo>> = {
  VirtualService: { kind: 'VirtualService', group: NETWORKING, versions: NETWORKING_VERSIONS },
  DestinationRule: { kind: 'DestinationRule', group: NETWORKING, versions: NETWORKING_VERSIONS },
  Gateway: { kind: 'Gateway', group: NETWORKING, versions: NETWORKING_VERSIONS },
  ServiceEntry: { kind: 'ServiceEntry', group: NETWORKING, versions: NETWORKING_VERSIONS },
  Sidecar: { kind: 'Sidecar', group: NETWORKING, versions: NETWORKING_VERSIONS },
  WorkloadEntry: { kind: 'WorkloadEntry', group: NETWORKING, versions: NETWORKING_VERSIONS },
  PeerAuthentication: { kind: 'PeerAuthentication', group: SECURITY, versions: SECURITY_VERSIONS },
  AuthorizationPolicy: { kind: 'AuthorizationPolicy', group: SECURITY, versions: SECURITY_VERSIONS },
  RequestAuthentication: { kind: 'RequestAuthentication', group: SECURITY, versions: SECURITY_VERSIONS },
};

export const ALL_KINDS = Object.keys(KINDS) as readonly Kind[];

export const isKind = (k: unknown): k is Kind => typeof k === 'string' && Object.hasOwn(KINDS, k);

/** Istio API groups (including ones Mizzen does not serve yet: telemetry, extensions, ...). */
export const isIstioGroup = (group: string): boolean => group === 'istio.io' || group.endsWith('.istio.io');
