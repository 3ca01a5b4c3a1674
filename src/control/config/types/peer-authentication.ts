/** PeerAuthentication (security.istio.io v1, v1beta1): the mTLS mode a workload accepts. */
import type { WorkloadSelector } from './workload-selector.ts';

export type MutualTLSMode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT';

export interface PeerAuthenticationMTLS {
  readonly mode?: MutualTLSMode;
}

export interface PeerAuthentication {
  readonly selector?: WorkloadSelector;
  readonly mtls?: PeerAuthenticationMTLS;
  /** Port number (as a string key) -> mode; only with a selector. */
  readonly portLevelMtls?: Readonly<Record<string, PeerAuthenticationMTLS>>;
}
