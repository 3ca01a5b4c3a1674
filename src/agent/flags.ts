/**
 * `mizzen sidecar`'s settings, one table for flags and environment variables (Istio's names
 * where Istio has one). Precedence: default < env var (a later alias wins) < flag.
 */
import type { SidecarConfig } from './config.ts';

export type FlagKind =
  | 'string' | 'port' | 'duration' | 'seconds' | 'count' | 'bool' | 'policy' | 'mode' | 'proxy-level' | 'level'
  | 'list' | 'labels' | 'pod-ports' | 'probers' | 'prometheus' | 'address' | 'encoding';

export interface FlagDef {
  readonly field: keyof SidecarConfig;
  readonly long: string;
  readonly kind: FlagKind;
  readonly env: readonly string[];
  readonly help: string;
}

const def = (field: keyof SidecarConfig, long: string, kind: FlagKind, env: readonly string[], help: string): FlagDef => ({ field, long, kind, env, help });

export const sidecarFlags: readonly FlagDef[] = [
  def('discoveryAddress', 'discovery-address', 'address', ['PILOT_DISCOVERY_ADDRESS'], "the control plane's ADS address (host:port, e.g. istiod.istio-system.svc:15010; also PROXY_CONFIG's discoveryAddress): config then comes from xDS"),
  def('registryPath', 'registry', 'string', ['MIZZEN_REGISTRY'], 'path of the service registry (registry.json); required without a discovery address'),
  def('registryPollMs', 'registry-poll-interval', 'duration', ['MIZZEN_REGISTRY_POLL_INTERVAL'], 'how often the registry file is also polled (e.g. 2s)'),
  def('outboundTrafficPolicy', 'outbound-traffic-policy', 'policy', ['MIZZEN_OUTBOUND_TRAFFIC_POLICY'], 'registry.json mode: ALLOW_ANY (unknown destinations pass through) or REGISTRY_ONLY (they are blackholed); with xDS, virtualOutbound from LDS decides'),
  def('interceptionMode', 'interception-mode', 'mode', ['INTERCEPTION_MODE', 'ISTIO_META_INTERCEPTION_MODE'], 'REDIRECT or TPROXY (virtualInbound becomes transparent)'),
  def('proxyAdminPort', 'proxy-admin-port', 'port', ['PROXY_ADMIN_PORT'], 'admin port on 127.0.0.1 (0 picks a free port)'),
  def('outboundPort', 'outbound-port', 'port', ['PROXY_PORT'], 'virtualOutbound port (istio-iptables -p)'),
  def('inboundPort', 'inbound-port', 'port', ['INBOUND_CAPTURE_PORT'], 'virtualInbound port (istio-iptables -z)'),
  def('statusPort', 'status-port', 'port', ['STATUS_PORT'], "agent status port (app probes, merged metrics)"),
  def('readinessPort', 'readiness-port', 'port', ['READINESS_PORT'], 'port answering /healthz/ready'),
  def('prometheusPort', 'prometheus-port', 'port', ['PROMETHEUS_PORT'], 'port serving /stats/prometheus'),
  def('connectTimeoutMs', 'connect-timeout', 'duration', ['MIZZEN_CONNECT_TIMEOUT'], "registry.json mode: upstream connect timeout (e.g. 10s); with xDS, each cluster's connect_timeout"),
  def('maxConnectAttempts', 'max-connect-attempts', 'count', ['MIZZEN_MAX_CONNECT_ATTEMPTS'], "tcp_proxy max_connect_attempts"),
  def('drainDurationMs', 'termination-drain-duration', 'seconds', ['TERMINATION_DRAIN_DURATION_SECONDS'], 'seconds open connections get after SIGTERM'),
  def('exitOnZeroActiveConnections', 'exit-on-zero-active-connections', 'bool', ['EXIT_ON_ZERO_ACTIVE_CONNECTIONS'], 'after the drain period, exit as soon as no connection is open'),
  def('accessLogFile', 'access-log-file', 'string', ['MIZZEN_ACCESS_LOG_FILE'], 'access log destination: /dev/stdout, a file, or empty for none'),
  def('accessLogEncoding', 'access-log-encoding', 'encoding', ['MIZZEN_ACCESS_LOG_ENCODING'], "access log encoding (MeshConfig accessLogEncoding): TEXT or JSON"),
  def('accessLogFormat', 'access-log-format', 'string', ['MIZZEN_ACCESS_LOG_FORMAT'], "access log format (MeshConfig accessLogFormat): Envoy command operators for TEXT, a JSON object of them for JSON; empty for Istio's default"),
  def('proxyLogLevel', 'proxy-log-level', 'proxy-level', ['MIZZEN_PROXY_LOG_LEVEL'], 'Envoy component log level (trace..critical, off)'),
  def('logLevel', 'log-level', 'level', ['MIZZEN_LOG_LEVEL'], 'agent log level (debug, info, warn, error)'),
  def('podName', 'pod-name', 'string', ['POD_NAME'], 'pod name'),
  def('podNamespace', 'pod-namespace', 'string', ['POD_NAMESPACE'], 'pod namespace'),
  def('instanceIp', 'instance-ip', 'string', ['INSTANCE_IP'], "the pod's IP (inbound upstream, app probes)"),
  def('serviceAccount', 'service-account', 'string', ['SERVICE_ACCOUNT'], 'service account'),
  def('workloadName', 'workload-name', 'string', ['ISTIO_META_WORKLOAD_NAME'], 'workload name (metrics)'),
  def('clusterId', 'cluster-id', 'string', ['ISTIO_META_CLUSTER_ID'], 'cluster id (metrics)'),
  def('meshId', 'mesh-id', 'string', ['ISTIO_META_MESH_ID'], 'mesh id (node metadata MESH_ID)'),
  def('appContainers', 'app-containers', 'list', ['ISTIO_META_APP_CONTAINERS'], 'comma list of app containers'),
  def('labels', 'labels', 'labels', ['ISTIO_METAJSON_LABELS'], 'pod labels as a JSON object'),
  def('podPorts', 'pod-ports', 'pod-ports', ['ISTIO_META_POD_PORTS'], 'container ports as a JSON list [{"containerPort":9080,...}]'),
  def('appProbers', 'kube-app-probers', 'probers', ['ISTIO_KUBE_APP_PROBERS'], "the app's rewritten probes (Istio's JSON)"),
  def('prometheusScrape', 'prometheus-annotations', 'prometheus', ['ISTIO_PROMETHEUS_ANNOTATIONS'], 'app metrics to merge: {"scrape":"true","path":"/metrics","port":"8080"}'),
  def('legacyLocalhostProbes', 'rewrite-probe-legacy-localhost-destination', 'bool', ['REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION'], 'probe the app on localhost instead of the pod IP'),
];
