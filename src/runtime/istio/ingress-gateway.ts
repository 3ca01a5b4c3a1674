/**
 * The ingress gateway as Istio's default profile installs it: istio-system/istio-ingressgateway
 * (labels istio: ingressgateway, app: istio-ingressgateway), Service ports 80 -> 8080 and
 * 443 -> 8443 (gateway-deployment.ts). The host reaches it on 127.0.0.1 only (ingress-exposure.ts).
 */
import type { SourceDocument } from '../manifest/document.ts';
import { GATEWAY_HTTP_TARGET_PORT, GATEWAY_HTTPS_TARGET_PORT, gatewayDeploymentDocuments } from './gateway-deployment.ts';
import { ISTIOD_NAMESPACE } from './istiod.ts';

export const INGRESS_GATEWAY = 'istio-ingressgateway';
export const INGRESS_LABELS: Readonly<Record<string, string>> = Object.freeze({ app: INGRESS_GATEWAY, istio: 'ingressgateway' });
/** The gateway pod's HTTP port: Service port 80's targetPort. */
export const INGRESS_HTTP_TARGET_PORT = GATEWAY_HTTP_TARGET_PORT;
/** Service port 443's targetPort: where the gateway's HTTPS/TLS listener binds. */
export const INGRESS_HTTPS_TARGET_PORT = GATEWAY_HTTPS_TARGET_PORT;

/** Whether a Service is the ingress gateway's (istio-system/istio-ingressgateway). */
export const isIngressGateway = (m: { readonly name: string; readonly namespace: string }): boolean => m.namespace === ISTIOD_NAMESPACE && m.name === INGRESS_GATEWAY;

export interface IngressGatewayOptions {
  /** argv prefix of this repo's CLI. */
  readonly cliCommand: readonly string[];
}

export function ingressGatewayDocuments(o: IngressGatewayOptions): SourceDocument[] {
  return gatewayDeploymentDocuments({ name: INGRESS_GATEWAY, labels: INGRESS_LABELS, cliCommand: o.cliCommand });
}
