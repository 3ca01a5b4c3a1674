/**
 * The containers Istio's injector adds: `istio-init` (the capture rules, `mizzen iptables`
 * with the template's arguments) and `istio-proxy` (`mizzen sidecar` as uid/gid 1337 with
 * Istio's environment, its ports and its 15021 probes), plus the labels and annotations the
 * injector puts on the pod.
 */
import type { Container, EnvVar, Labels, ObjectMeta, Probe } from '../model/objects.ts';
import type { AppProbers } from './app-probers.ts';
import { istioInitArgs } from './init-args.ts';
import type { ProxyConfigFields } from './inject-policy.ts';

export const PROXY_UID = 1337;

export interface SidecarOptions {
  /** argv of `mizzen sidecar` (or the test stand-in). */
  readonly sidecarCommand: readonly string[];
  /** argv prefix of this repo's CLI, for `mizzen iptables`. */
  readonly cliCommand: readonly string[];
  readonly registryPath: string;
  readonly outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  /** istiod's xDS address; when set, sidecars take their config from it instead of registry.json. */
  readonly discoveryAddress?: string;
}

const healthz = (p: Partial<Probe>): Probe => ({
  httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP', httpHeaders: [] },
  initialDelaySeconds: 0, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4, successThreshold: 1, ...p,
});

export function istioInit(meta: ObjectMeta, opts: SidecarOptions): Container {
  return {
    name: 'istio-init', image: '', command: [...opts.cliCommand, 'iptables'], args: istioInitArgs(meta.annotations),
    env: [], ports: [], runAsUser: 0, runAsGroup: 0,
  };
}

function prometheusAnnotations(a: Labels): string | undefined {
  const keys = ['scrape', 'path', 'port'] as const;
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = a[`prometheus.io/${k}`];
    if (v !== undefined) out[k] = v;
  }
  return Object.keys(out).length > 0 ? JSON.stringify(out) : undefined;
}

export interface ProxyInputs {
  readonly meta: ObjectMeta;
  readonly workload: string;
  readonly apps: readonly Container[];
  readonly probers: AppProbers;
  readonly proxy: ProxyConfigFields;
}

export function istioProxy(i: ProxyInputs, opts: SidecarOptions): Container {
  const field = (name: string, fieldPath: string): EnvVar => ({ name, fieldPath });
  const value = (name: string, v: string): EnvVar => ({ name, value: v });
  const ports = i.apps.flatMap((c) => c.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), containerPort: p.containerPort, protocol: p.protocol })));
  const env: EnvVar[] = [
    field('POD_NAME', 'metadata.name'),
    field('POD_NAMESPACE', 'metadata.namespace'),
    field('INSTANCE_IP', 'status.podIP'),
    field('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
    value('ISTIO_META_WORKLOAD_NAME', i.workload),
    value('ISTIO_META_CLUSTER_ID', 'Kubernetes'),
    value('ISTIO_META_APP_CONTAINERS', i.apps.map((c) => c.name).join(',')),
    value('ISTIO_METAJSON_LABELS', JSON.stringify(i.meta.labels)),
    value('ISTIO_META_POD_PORTS', JSON.stringify(ports)),
  ];
  if (Object.keys(i.probers).length > 0) env.push(value('ISTIO_KUBE_APP_PROBERS', JSON.stringify(i.probers)));
  const prom = prometheusAnnotations(i.meta.annotations);
  if (prom) env.push(value('ISTIO_PROMETHEUS_ANNOTATIONS', prom));
  if (i.proxy.json) env.push(value('PROXY_CONFIG', i.proxy.json));
  env.push(
    ...(opts.discoveryAddress
      ? [value('PILOT_DISCOVERY_ADDRESS', opts.discoveryAddress)]
      : [value('MIZZEN_REGISTRY', opts.registryPath), value('MIZZEN_OUTBOUND_TRAFFIC_POLICY', opts.outboundTrafficPolicy)]),
    value('TERMINATION_DRAIN_DURATION_SECONDS', String(i.proxy.terminationDrainSeconds)),
  );
  const [bin = '', ...rest] = opts.sidecarCommand;
  return {
    name: 'istio-proxy', image: '', command: [bin], args: rest, env,
    ports: [{ name: 'http-envoy-prom', containerPort: 15090, protocol: 'TCP' }],
    runAsUser: PROXY_UID, runAsGroup: PROXY_UID,
    readinessProbe: healthz({}),
    startupProbe: healthz({ periodSeconds: 1, timeoutSeconds: 3, failureThreshold: 600 }),
  };
}

/** The injector's labels and annotations on the pod. */
export function injectedMeta(meta: ObjectMeta, workload: string, apps: readonly Container[]): ObjectMeta {
  const l = meta.labels;
  const first = apps[0]?.name ?? '';
  const annotations: Record<string, string> = {
    ...meta.annotations,
    'sidecar.istio.io/status': JSON.stringify({ initContainers: ['istio-init'], containers: ['istio-proxy'], volumes: [], imagePullSecrets: null, revision: 'default' }),
    'kubectl.kubernetes.io/default-container': first,
    'kubectl.kubernetes.io/default-logs-container': first,
    'istio.io/rev': 'default',
  };
  if (meta.annotations['prometheus.io/scrape'] !== 'false') {
    Object.assign(annotations, { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '15020', 'prometheus.io/path': '/stats/prometheus' });
  }
  return {
    ...meta,
    labels: {
      ...l,
      'security.istio.io/tlsMode': 'istio',
      'service.istio.io/canonical-name': l['service.istio.io/canonical-name'] ?? l['app.kubernetes.io/name'] ?? l['app'] ?? workload,
      'service.istio.io/canonical-revision': l['service.istio.io/canonical-revision'] ?? l['app.kubernetes.io/version'] ?? l['version'] ?? 'latest',
    },
    annotations,
  };
}
