/**
 * A gateway as Istio's charts install one in istio-system: ServiceAccount, Service and
 * Deployment named after it, Service ports 80 -> 8080 (http2) and 443 -> 8443 (https) plus the
 * status port 15021. The pod has no sidecar: its one container, istio-proxy, runs `mizzen
 * gateway` as uid 1337 (an unprivileged pod, so only ports from 1024 are bound), programmed by
 * istiod like the sidecars. The ingress and egress gateways differ only in name and labels.
 */
import type { SourceDocument } from '../manifest/document.ts';
import { PROXY_UID } from '../plan/sidecar.ts';
import { DISCOVERY_ADDRESS, ISTIOD_NAMESPACE } from './istiod.ts';

/** Service port 80's targetPort on a gateway pod. */
export const GATEWAY_HTTP_TARGET_PORT = 8080;
/** Service port 443's targetPort: where a gateway's HTTPS/TLS listener binds. */
export const GATEWAY_HTTPS_TARGET_PORT = 8443;

export interface GatewayDeploymentOptions {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** argv prefix of this repo's CLI. */
  readonly cliCommand: readonly string[];
}

export function gatewayDeploymentDocuments(o: GatewayDeploymentOptions): SourceDocument[] {
  const source = `(mizzen: ${o.name})`;
  const labels = { ...o.labels };
  const [bin = '', ...rest] = o.cliCommand;
  const field = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });
  const value = (name: string, v: string) => ({ name, value: v });
  const docs: unknown[] = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: o.name, namespace: ISTIOD_NAMESPACE } },
    {
      apiVersion: 'v1', kind: 'Service', metadata: { name: o.name, namespace: ISTIOD_NAMESPACE, labels },
      spec: { selector: labels, ports: [
        { name: 'status-port', port: 15021, targetPort: 15021 },
        { name: 'http2', port: 80, targetPort: GATEWAY_HTTP_TARGET_PORT },
        { name: 'https', port: 443, targetPort: GATEWAY_HTTPS_TARGET_PORT },
      ] },
    },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: o.name, namespace: ISTIOD_NAMESPACE, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations: { 'sidecar.istio.io/inject': 'false' } },
          spec: {
            serviceAccountName: o.name,
            containers: [{
              name: 'istio-proxy', image: 'mizzen/proxyv2',
              command: [bin],
              args: [...rest, 'gateway'],
              env: [
                field('POD_NAME', 'metadata.name'), field('POD_NAMESPACE', 'metadata.namespace'), field('INSTANCE_IP', 'status.podIP'),
                field('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
                value('ISTIO_META_WORKLOAD_NAME', o.name), value('ISTIO_META_CLUSTER_ID', 'Kubernetes'),
                value('ISTIO_METAJSON_LABELS', JSON.stringify(labels)), value('ISTIO_META_UNPRIVILEGED_POD', 'true'),
                value('PILOT_DISCOVERY_ADDRESS', DISCOVERY_ADDRESS),
              ],
              ports: [
                { name: 'http2', containerPort: GATEWAY_HTTP_TARGET_PORT }, { name: 'https', containerPort: GATEWAY_HTTPS_TARGET_PORT },
                { name: 'status-port', containerPort: 15021 }, { name: 'http-envoy-prom', containerPort: 15090 },
              ],
              securityContext: { runAsUser: PROXY_UID, runAsGroup: PROXY_UID },
              readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 1, failureThreshold: 30 },
            }],
          },
        },
      },
    },
  ];
  return docs.map((body) => ({ source, body }));
}
