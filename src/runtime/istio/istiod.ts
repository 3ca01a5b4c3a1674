/**
 * The control plane as a pod, as Istio installs it: namespace istio-system, Deployment and
 * Service `istiod` (15010 plaintext xDS, 15014 monitoring and debug). It runs `mizzen control`
 * on the runtime's registry.json and the config folder, as its own non-root user (ISTIOD_UID: apps
 * run as 1000 and proxies as 1337, and neither may read the credential Secrets istiod alone
 * reads); sidecars reach it at
 * istiod.istio-system.svc:15010 — their own uid 1337 traffic, which capture leaves alone (the
 * seeds' sixth traffic type).
 */
import type { SourceDocument } from '../manifest/document.ts';

export const ISTIOD_NAMESPACE = 'istio-system';
export const DISCOVERY_ADDRESS = `istiod.${ISTIOD_NAMESPACE}.svc:15010`;
/** istiod's uid and gid: the only user that can read the gateway credential Secrets (secrets.ts). */
export const ISTIOD_UID = 1500;

export interface IstiodOptions {
  /** argv prefix of this repo's CLI. */
  readonly cliCommand: readonly string[];
  readonly registryPath: string;
  readonly configDir: string;
  readonly outboundTrafficPolicy: string;
}

export function istiodDocuments(o: IstiodOptions): SourceDocument[] {
  const source = '(mizzen: control plane)';
  const labels = { app: 'istiod', istio: 'pilot' };
  const [bin = '', ...rest] = o.cliCommand;
  const docs: unknown[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ISTIOD_NAMESPACE } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'istiod', namespace: ISTIOD_NAMESPACE } },
    {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'istiod', namespace: ISTIOD_NAMESPACE, labels },
      spec: { selector: labels, ports: [
        { name: 'grpc-xds', port: 15010, targetPort: 15010 },
        { name: 'http-monitoring', port: 15014, targetPort: 15014 },
      ] },
    },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'istiod', namespace: ISTIOD_NAMESPACE, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations: { 'sidecar.istio.io/inject': 'false' } },
          spec: {
            serviceAccountName: 'istiod',
            containers: [{
              name: 'discovery', image: 'mizzen/pilot',
              command: [bin],
              args: [...rest, 'control', '--registry', o.registryPath, '-f', o.configDir, '--xds-port', '15010', '--debug-port', '15014',
                '--outbound-traffic-policy', o.outboundTrafficPolicy, '--instance-id', '$(POD_NAME)'],
              env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              ports: [{ name: 'grpc-xds', containerPort: 15010 }, { name: 'http-monitoring', containerPort: 15014 }],
              readinessProbe: { httpGet: { path: '/ready', port: 15014 }, periodSeconds: 1, failureThreshold: 3 },
              securityContext: { runAsUser: ISTIOD_UID, runAsGroup: ISTIOD_UID },
            }],
          },
        },
      },
    },
  ];
  return docs.map((body) => ({ source, body }));
}
