/**
 * The egress gateway as Istio's demo profile installs it: istio-system/istio-egressgateway
 * (labels istio: egressgateway, app: istio-egressgateway), Service ports 80 -> 8080 and
 * 443 -> 8443, the same `mizzen gateway` as the ingress gateway (gateway-deployment.ts). It is
 * never exposed on the host: sidecars reach it on its ClusterIP when a VirtualService routes
 * mesh traffic to istio-egressgateway.istio-system.svc.cluster.local. `mizzen up
 * --egress-gateway` runs it (Istio's default profile has none; it costs a process).
 */
import type { SourceDocument } from '../manifest/document.ts';
import { gatewayDeploymentDocuments } from './gateway-deployment.ts';

export const EGRESS_GATEWAY = 'istio-egressgateway';
export const EGRESS_LABELS: Readonly<Record<string, string>> = Object.freeze({ app: EGRESS_GATEWAY, istio: 'egressgateway' });

export function egressGatewayDocuments(o: { readonly cliCommand: readonly string[] }): SourceDocument[] {
  return gatewayDeploymentDocuments({ name: EGRESS_GATEWAY, labels: EGRESS_LABELS, cliCommand: o.cliCommand });
}
