/** How a supervisor is started: its state directory, mesh id, CIDRs and the commands it runs. */
import type { Cidr } from '../plan/ipam.ts';

export interface SupervisorOptions {
  readonly stateDir: string;
  readonly meshId: string;
  readonly podCidr: Cidr;
  readonly serviceCidr: Cidr;
  /** The first restart delay after a crash (the kubelet's 10s). */
  readonly backoffBaseMs: number;
  /** argv of the sidecar (`mizzen sidecar`, or MIZZEN_SIDECAR_COMMAND in tests). */
  readonly sidecarCommand: readonly string[];
  /** argv prefix that runs this repo's CLI (node + src/cli/main.ts). */
  readonly cliCommand: readonly string[];
  readonly outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  /** Run istiod (`mizzen control`) as a pod and program the sidecars over xDS (default); false: registry.json. */
  readonly controlPlane: boolean;
  /** The ingress gateway's port on 127.0.0.1 (with the control plane); 0 or absent picks a free one. */
  readonly ingressPort?: number;
  /** Also run istio-egressgateway in istio-system (with the control plane); never exposed on the host. */
  readonly egressGateway?: boolean;
  /** True when `mizzen up` made the state directory (down then removes it). */
  readonly createdStateDir: boolean;
}
