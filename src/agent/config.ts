/**
 * The sidecar's configuration: everything `mizzen sidecar` takes, from Istio's environment
 * (POD_NAME, INSTANCE_IP, ISTIO_KUBE_APP_PROBERS, ...) and from flags, bound into this one type
 * (flags.ts lists the sources, bind.ts applies and validates them). Inner code only ever sees
 * it frozen.
 */
import type { AccessLogEncoding } from '../proxy/access-log/istio-formats.ts';
import type { EnvoyLevel } from '../proxy/core/log-levels.ts';
import type { Level } from '../core/log.ts';
import type { OutboundTrafficPolicy } from '../proxy/listener/virtual-outbound.ts';
import type { AppProbers } from './app-probers.ts';
import type { PrometheusScrape } from './metrics-merge.ts';

export type InterceptionMode = 'REDIRECT' | 'TPROXY';

export interface PodPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: string;
}

export interface SidecarConfig {
  /** The node type: `sidecar` (mizzen sidecar) or `router` (mizzen gateway), as pilot-agent's `proxy sidecar|router`. */
  proxyType: 'sidecar' | 'router';
  /** The control plane's ADS address (`host:port` or `unix:/path`); '' means registry.json mode. */
  discoveryAddress: string;
  registryPath: string;
  registryPollMs: number;
  outboundTrafficPolicy: OutboundTrafficPolicy;
  interceptionMode: InterceptionMode;
  proxyAdminPort: number;
  outboundPort: number;
  inboundPort: number;
  statusPort: number;
  readinessPort: number;
  prometheusPort: number;
  connectTimeoutMs: number;
  maxConnectAttempts: number;
  drainDurationMs: number;
  exitOnZeroActiveConnections: boolean;
  tcpReportingMs: number;
  accessLogFile: string;
  /** MeshConfig accessLogEncoding: TEXT or JSON. */
  accessLogEncoding: AccessLogEncoding;
  /** MeshConfig accessLogFormat: a format string (TEXT) or a JSON object of format strings (JSON); '' is Istio's default. */
  accessLogFormat: string;
  proxyLogLevel: EnvoyLevel;
  logLevel: Level;
  podName: string;
  podNamespace: string;
  instanceIp: string;
  serviceAccount: string;
  workloadName: string;
  clusterId: string;
  meshId: string;
  /** Every other ISTIO_META_* (string) and ISTIO_METAJSON_* (parsed) variable, for node.metadata, as pilot-agent passes them. */
  nodeMetadata: Record<string, unknown>;
  appContainers: string[];
  labels: Record<string, string>;
  podPorts: PodPort[];
  appProbers: AppProbers;
  prometheusScrape: PrometheusScrape | undefined;
  legacyLocalhostProbes: boolean;
}

type DeepReadonly<T> = T extends (infer E)[] ? readonly DeepReadonly<E>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
export type FrozenSidecarConfig = DeepReadonly<SidecarConfig>;

/** Istio's defaults (ports 15000/15001/15006/15020/15021/15090, connect_timeout 10s, drain 5s). */
export function defaultSidecarConfig(): SidecarConfig {
  return {
    proxyType: 'sidecar',
    discoveryAddress: '',
    registryPath: '',
    registryPollMs: 2000,
    outboundTrafficPolicy: 'ALLOW_ANY',
    interceptionMode: 'REDIRECT',
    proxyAdminPort: 15000,
    outboundPort: 15001,
    inboundPort: 15006,
    statusPort: 15020,
    readinessPort: 15021,
    prometheusPort: 15090,
    connectTimeoutMs: 10_000,
    maxConnectAttempts: 1,
    drainDurationMs: 5_000,
    exitOnZeroActiveConnections: false,
    tcpReportingMs: 15_000,
    accessLogFile: '/dev/stdout',
    accessLogEncoding: 'TEXT',
    accessLogFormat: '',
    proxyLogLevel: 'warning',
    logLevel: 'info',
    podName: '',
    podNamespace: 'default',
    instanceIp: '',
    serviceAccount: 'default',
    workloadName: '',
    clusterId: 'Kubernetes',
    meshId: 'cluster.local',
    nodeMetadata: {},
    appContainers: [],
    labels: {},
    podPorts: [],
    appProbers: {},
    prometheusScrape: undefined,
    legacyLocalhostProbes: false,
  };
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}

export const freezeSidecarConfig = (c: SidecarConfig): FrozenSidecarConfig => deepFreeze(c) as FrozenSidecarConfig;

/** The workload name Istio derives when ISTIO_META_WORKLOAD_NAME is unset: the pod name without its hashes. */
export function workloadOf(c: FrozenSidecarConfig): string {
  if (c.workloadName) return c.workloadName;
  return c.podName.replace(/-[a-z0-9]{5}$/, '').replace(/-[a-z0-9]{8,10}$/, '') || 'unknown';
}
