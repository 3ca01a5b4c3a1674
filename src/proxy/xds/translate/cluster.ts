/**
 * Cluster (CDS) -> ClusterSpec. Supported: types EDS (its endpoints over ADS), STATIC (inline
 * load_assignment), STRICT_DNS / LOGICAL_DNS (inline endpoints naming DNS hosts, resolved when
 * connecting) and ORIGINAL_DST (lb_policy CLUSTER_PROVIDED); lb_policy ROUND_ROBIN,
 * LEAST_REQUEST, RANDOM, RING_HASH and MAGLEV with their configs and slow start, the healthy
 * panic threshold (cluster-lb.ts), outlier_detection (cluster-outlier.ts); connect_timeout
 * (Envoy's default 5s); the DEFAULT priority circuit breaker's max_connections (Envoy's 1024); the upstream HTTP protocol, its options and the request thresholds
 * (http-protocol-options.ts); upstream_connection_options.tcp_keepalive; upstream_bind_config; Istio's service metadata (else the service is
 * read from an `outbound|...` name). What Mizzen would silently get wrong (TLS transport
 * sockets, custom cluster types, other policies) is refused.
 */
import { ENVOY_DEFAULT_MAX_CONNECTIONS } from '../../cluster/cluster.ts';
import type { ClusterSpec, LbPolicy } from '../../cluster/cluster-config.ts';
import type { TcpKeepalive } from '../../core/socket-options.ts';
import { serviceFromClusterName } from '../../cluster/names.ts';
import { At, durationMs, ip, list, obj, oneOf, str, typeName, uint, type Obj } from './fields.ts';
import { translateLbFields } from './cluster-lb.ts';
import { translateOutlierDetection } from './cluster-outlier.ts';
import { translateAssignment } from './endpoint.ts';
import { defaultThresholds, translateHttpOptions } from './http-protocol-options.ts';
import { istioService } from './metadata.ts';

const ENVOY_DEFAULT_CONNECT_TIMEOUT_MS = 5000;

function maxConnections(c: Obj, at: At): number {
  const { th, at: tat } = defaultThresholds(c, at);
  return uint(th['maxConnections'], tat.field('maxConnections'), ENVOY_DEFAULT_MAX_CONNECTIONS);
}

/** upstream_connection_options.tcp_keepalive (seconds and a probe count; absent fields keep the system's values). */
function tcpKeepalive(c: Obj, at: At): TcpKeepalive | undefined {
  const uco = obj(c['upstreamConnectionOptions'], at.field('upstreamConnectionOptions'));
  if (uco['tcpKeepalive'] === undefined) return undefined;
  const kat = at.field('upstreamConnectionOptions.tcpKeepalive');
  const k = obj(uco['tcpKeepalive'], kat);
  const field = (name: string, min: number): number | undefined => (k[name] === undefined ? undefined : uint(k[name], kat.field(name), 0, min));
  const timeS = field('keepaliveTime', 1);
  const intervalS = field('keepaliveInterval', 1);
  const probes = field('keepaliveProbes', 1);
  return Object.freeze({ ...(timeS === undefined ? {} : { timeS }), ...(intervalS === undefined ? {} : { intervalS }), ...(probes === undefined ? {} : { probes }) });
}

function refuseTls(c: Obj, at: At): void {
  const ts = c['transportSocket'];
  if (ts !== undefined && typeName(obj(ts, at.field('transportSocket'))['typedConfig']) !== 'envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer') {
    at.field('transportSocket').fail('TLS upstreams are not supported yet (only raw_buffer)');
  }
  if (list(c['transportSocketMatches'], at.field('transportSocketMatches')).length > 0) at.field('transportSocketMatches').fail('transport socket matches (Istio auto mTLS) are not supported yet');
}

export function translateCluster(v: unknown): ClusterSpec {
  const c = obj(v, new At('Cluster'));
  const name = str(c['name'], new At('Cluster', 'name'), true);
  const at = new At(`Cluster ${name}`);
  if (c['clusterType'] !== undefined) at.field('clusterType').fail('custom cluster types are not supported');
  const type = oneOf(c['type'], at.field('type'), ['STATIC', 'EDS', 'STRICT_DNS', 'LOGICAL_DNS', 'ORIGINAL_DST'] as const, 'STATIC');
  const lbPolicy: LbPolicy = oneOf(c['lbPolicy'], at.field('lbPolicy'), ['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'RING_HASH', 'MAGLEV', 'CLUSTER_PROVIDED'] as const, 'ROUND_ROBIN',
    'supported: ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV; CLUSTER_PROVIDED with ORIGINAL_DST');
  if ((type === 'ORIGINAL_DST') !== (lbPolicy === 'CLUSTER_PROVIDED')) {
    at.field('lbPolicy').fail(type === 'ORIGINAL_DST' ? `${lbPolicy} is not valid for type ORIGINAL_DST, which needs CLUSTER_PROVIDED` : `CLUSTER_PROVIDED is only valid for type ORIGINAL_DST, not ${type}`);
  }
  refuseTls(c, at);
  const bind = obj(obj(c['upstreamBindConfig'], at.field('upstreamBindConfig'))['sourceAddress'], at.field('upstreamBindConfig.sourceAddress'));
  const { choiceCount, ...lb } = translateLbFields(c, at, lbPolicy);
  const outlierDetection = type === 'ORIGINAL_DST' ? undefined : translateOutlierDetection(c['outlierDetection'], at.field('outlierDetection'));
  const keepalive = tcpKeepalive(c, at);
  const common = {
    name,
    connectTimeoutMs: durationMs(c['connectTimeout'], at.field('connectTimeout'), ENVOY_DEFAULT_CONNECT_TIMEOUT_MS),
    lbPolicy,
    choiceCount,
    maxConnections: maxConnections(c, at),
    http: translateHttpOptions(c, at),
    upstreamBind: bind['address'] === undefined ? undefined : ip(bind['address'], at.field('upstreamBindConfig.sourceAddress.address')),
    service: istioService(c['metadata'], at.field('metadata')) ?? serviceFromClusterName(name),
    addedViaApi: true,
    ...lb,
    ...(outlierDetection ? { outlierDetection } : {}),
    ...(keepalive ? { tcpKeepalive: keepalive } : {}),
  };
  if (type === 'ORIGINAL_DST') return { ...common, type, hostIp: undefined, peerAt: undefined };
  if (type !== 'EDS') {
    const la = at.field('loadAssignment');
    return { ...common, type, loadAssignment: { ...translateAssignment(c['loadAssignment'], la, type !== 'STATIC'), clusterName: name } };
  }
  const eds = obj(c['edsClusterConfig'], at.field('edsClusterConfig'));
  const edsConfig = obj(eds['edsConfig'], at.field('edsClusterConfig.edsConfig'));
  if (edsConfig['ads'] === undefined) at.field('edsClusterConfig.edsConfig').fail('only ADS is supported as the EDS config source ({"ads": {}})');
  return { ...common, type, serviceName: str(eds['serviceName'], at.field('edsClusterConfig.serviceName')) || name };
}
