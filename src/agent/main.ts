/**
 * The sidecar assembled top to bottom, Envoy and pilot-agent in one process: loggers and
 * stats, the registry source and cluster manager, the two virtual listeners with their tcp_proxy
 * observers (Istio metrics, access log), admin 15000, readiness 15021, Prometheus 15090, the
 * agent's status server 15020, and graceful drain. `startSidecar` returns once everything
 * listens; readiness follows when the registry has loaded.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { createLogger, type Logger } from '../core/log.ts';
import type { AdminContext } from '../proxy/admin/admin-context.ts';
import { createAdminServer } from '../proxy/admin/admin-server.ts';
import { createPrometheusServer, createReadinessServer, proxyPrometheus } from '../proxy/admin/stats-listeners.ts';
import { TcpAccessLogger } from '../proxy/access-log/access-log.ts';
import { ClusterManager } from '../proxy/cluster/cluster-manager.ts';
import { FileRegistrySource } from '../proxy/config/file-registry.ts';
import { formatAddress, type Address } from '../proxy/core/address.ts';
import type { HttpServer } from '../proxy/core/http-server.ts';
import { LogLevels } from '../proxy/core/log-levels.ts';
import type { DestinationResolver } from '../proxy/core/original-destination.ts';
import { localAddressResolver, soOriginalDstResolver } from '../proxy/core/resolvers.ts';
import { ServerStatus } from '../proxy/core/server-state.ts';
import type { ConnectionObserver } from '../proxy/filters/network/connection-observer.ts';
import type { TcpListener } from '../proxy/listener/tcp-listener.ts';
import { virtualInbound } from '../proxy/listener/virtual-inbound.ts';
import { virtualOutbound } from '../proxy/listener/virtual-outbound.ts';
import { TcpStatsCache } from '../proxy/stats/envoy-stats.ts';
import { IstioTcpMetrics } from '../proxy/stats/istio-metrics.ts';
import { MemoryStatsStore } from '../proxy/stats/memory-store.ts';
import { registerServerStats } from '../proxy/stats/server-stats.ts';
import { workloadMetadata } from '../proxy/stats/workload-metadata.ts';
import { workloadOf, type FrozenSidecarConfig } from './config.ts';
import { Drainer } from './drain.ts';
import { MetricsMerger } from './metrics-merge.ts';
import { createStatusServer } from './status-server.ts';

/** What tests (and embedders) may replace; everything else comes from the config. */
export interface SidecarOverrides {
  /** Original destinations (default: SO_ORIGINAL_DST for REDIRECT, the local address for TPROXY inbound). */
  readonly resolver?: DestinationResolver;
  /** Access log sink (default: per --access-log-file). */
  readonly accessLog?: (line: string) => void;
  /** Log sink for agent and proxy lines (default: stderr). */
  readonly writeLog?: (line: string) => void;
  readonly maxConnectionsPerCluster?: number;
}

export interface SidecarPorts {
  readonly admin: number;
  readonly outbound: number;
  readonly inbound: number;
  readonly status: number;
  readonly readiness: number;
  readonly prometheus: number;
}

export interface Sidecar {
  readonly ports: SidecarPorts;
  readonly status: ServerStatus;
  readonly outbound: TcpListener;
  readonly inbound: TcpListener;
  readonly registry: FileRegistrySource;
  readonly log: Logger;
  /** Resolves with the exit code once the sidecar has stopped. */
  readonly exited: Promise<number>;
  /** SIGTERM: drain, then stop with 0. */
  terminate(reason: string): Promise<void>;
  /** Stop now (no drain). */
  shutdown(code?: number): Promise<void>;
}

function accessLogSink(cfg: FrozenSidecarConfig): { write?: (line: string) => void; stream?: WriteStream } {
  if (cfg.accessLogFile === '') return {};
  if (cfg.accessLogFile === '/dev/stdout') return { write: (l) => void process.stdout.write(l) };
  const stream = createWriteStream(cfg.accessLogFile, { flags: 'a' });
  stream.on('error', () => {});
  return { write: (l) => void stream.write(l), stream };
}

export async function startSidecar(cfg: FrozenSidecarConfig, o: SidecarOverrides = {}): Promise<Sidecar> {
  // Logging, state and stats.
  const log = createLogger({ level: cfg.logLevel, ...(o.writeLog ? { write: o.writeLog } : {}) });
  const levels = new LogLevels(cfg.proxyLogLevel, o.writeLog);
  const status = new ServerStatus();
  const store = new MemoryStatsStore();
  const workload = workloadOf(cfg);
  log.info(`Starting mizzen sidecar for ${cfg.podName || workload}.${cfg.podNamespace}: interception ${cfg.interceptionMode}, outbound traffic policy ${cfg.outboundTrafficPolicy}`);

  // Configuration source and clusters.
  const containerPorts = [...new Set(cfg.podPorts.filter((p) => p.protocol.toUpperCase() === 'TCP').map((p) => p.containerPort))];
  const clusters = new ClusterManager({
    store,
    local: { instanceIp: cfg.instanceIp, namespace: cfg.podNamespace, labels: cfg.labels, containerPorts },
    ...(o.maxConnectionsPerCluster !== undefined ? { maxConnections: o.maxConnectionsPerCluster } : {}),
  });
  const listeners: TcpListener[] = [];
  const cds = registerServerStats(store, { status, listeners: () => listeners, clusters });
  const registry = new FileRegistrySource({
    path: cfg.registryPath,
    pollMs: cfg.registryPollMs,
    log: levels.logger('config'),
    events: {
      applied: () => { cds.update_attempt.inc(); cds.update_success.inc(); },
      rejected: () => { cds.update_attempt.inc(); cds.update_rejected.inc(); },
    },
  });
  registry.onUpdate((snap) => {
    clusters.update(snap);
    status.markRegistryLoaded();
  });

  // Listeners and their network filters.
  const local = workloadMetadata({ workload, namespace: cfg.podNamespace, labels: cfg.labels }, cfg.clusterId);
  const sink = accessLogSink(cfg);
  const istio = new IstioTcpMetrics(store, { local, clusterId: cfg.clusterId, workloadAt: (ip) => registry.current()?.workloadByIp.get(ip) });
  const accessLog = o.accessLog ?? sink.write;
  const observers: ConnectionObserver[] = [istio, ...(accessLog ? [new TcpAccessLogger(accessLog)] : [])];
  const common = {
    store,
    tcpStats: new TcpStatsCache(store),
    observers,
    tcpProxy: { connectTimeoutMs: cfg.connectTimeoutMs, maxConnectAttempts: cfg.maxConnectAttempts },
    log: levels.logger('connection'),
  };
  const outbound = virtualOutbound(
    { clusters, snapshot: () => registry.current(), policy: cfg.outboundTrafficPolicy, listenerPort: cfg.outboundPort },
    { ...common, address: { ip: '0.0.0.0', port: cfg.outboundPort }, resolver: o.resolver ?? soOriginalDstResolver },
  );
  const tproxy = cfg.interceptionMode === 'TPROXY';
  const inbound = virtualInbound(
    { clusters, containerPorts: new Set(containerPorts), listenerPort: cfg.inboundPort },
    { ...common, address: { ip: '0.0.0.0', port: cfg.inboundPort }, transparent: tproxy, resolver: o.resolver ?? (tproxy ? localAddressResolver : soOriginalDstResolver) },
  );
  listeners.push(outbound, inbound);

  // Termination.
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((r) => (resolveExit = r));
  const drainer = new Drainer({ status, inbound: [inbound], all: listeners, durationMs: cfg.drainDurationMs, exitOnZeroActiveConnections: cfg.exitOnZeroActiveConnections, log });
  const servers: HttpServer[] = [];
  const timers: { reporter?: NodeJS.Timeout } = {};
  let stopping: Promise<void> | undefined;
  const shutdown = (code = 0): Promise<void> => {
    stopping ??= (async () => {
      clearInterval(timers.reporter);
      registry.close();
      for (const l of listeners) {
        l.stopAccepting();
        l.closeConnections();
      }
      await Promise.all(servers.map((s) => s.close()));
      await new Promise<void>((r) => (sink.stream ? sink.stream.end(r) : r()));
      if (code === 0) log.info('Agent has successfully terminated');
      resolveExit(code);
    })();
    return stopping;
  };
  const terminate = async (reason: string): Promise<void> => {
    if (drainer.draining || stopping) return;
    log.info(`Received ${reason}, starting graceful termination`);
    await drainer.run();
    await shutdown(0);
  };

  // Admin, readiness, Prometheus and the agent's status server.
  const bootstrap = {
    nodeId: `sidecar~${cfg.instanceIp}~${cfg.podName}.${cfg.podNamespace}~${cfg.podNamespace}.svc.cluster.local`,
    cluster: `${local.canonicalService}.${cfg.podNamespace}`,
    metadata: { NAME: cfg.podName, NAMESPACE: cfg.podNamespace, INSTANCE_IPS: cfg.instanceIp, WORKLOAD_NAME: workload, CLUSTER_ID: cfg.clusterId, SERVICE_ACCOUNT: cfg.serviceAccount, LABELS: cfg.labels, APP_CONTAINERS: cfg.appContainers.join(','), INTERCEPTION_MODE: cfg.interceptionMode },
    adminPort: cfg.proxyAdminPort, statusPort: cfg.statusPort, readinessPort: cfg.readinessPort, prometheusPort: cfg.prometheusPort,
    connectTimeoutMs: cfg.connectTimeoutMs, outboundTrafficPolicy: cfg.outboundTrafficPolicy, interceptionMode: cfg.interceptionMode,
    containerPorts, instanceIp: cfg.instanceIp,
  };
  const adminCtx: AdminContext = {
    status, store, clusters, listeners, logLevels: levels, bootstrap,
    snapshot: () => registry.current(),
    quit: () => void shutdown(0),
    drainListeners: (inboundOnly) => { for (const l of inboundOnly ? [inbound] : listeners) l.stopAccepting(); },
  };
  const merger = new MetricsMerger({ proxyPrometheus: (url) => proxyPrometheus(store, url), scrape: cfg.prometheusScrape, log });
  const probeDestination = cfg.legacyLocalhostProbes || cfg.instanceIp === '' ? '127.0.0.1' : cfg.instanceIp;
  const probeTarget = { destination: probeDestination, statusPort: cfg.statusPort };
  const statusServer = createStatusServer({ status, probers: cfg.appProbers, target: probeTarget, merger, log, quit: () => void shutdown(0), drain: () => void terminate('/drain') });
  const admin = createAdminServer(adminCtx, levels.logger('admin'));
  const readiness = createReadinessServer(status, log);
  const prometheus = createPrometheusServer(store, log);
  servers.push(statusServer, admin, readiness, prometheus);

  const bind = async <T>(what: string, addr: string, start: () => Promise<T>): Promise<T> => {
    try {
      return await start();
    } catch (err) {
      await shutdown(1);
      throw new Error(`cannot listen on ${addr} (${what})`, { cause: err });
    }
  };
  status.markInitializing();
  const statusAddr = await bind('status server', `0.0.0.0:${cfg.statusPort}`, () => statusServer.listen('0.0.0.0', cfg.statusPort));
  probeTarget.statusPort = statusAddr.port;
  log.info(`Opening status port ${statusAddr.port}`);
  const adminAddr = await bind('admin', `127.0.0.1:${cfg.proxyAdminPort}`, () => admin.listen('127.0.0.1', cfg.proxyAdminPort));
  const promAddr = await bind('prometheus', `0.0.0.0:${cfg.prometheusPort}`, () => prometheus.listen('0.0.0.0', cfg.prometheusPort));
  const readyAddr = await bind('readiness', `0.0.0.0:${cfg.readinessPort}`, () => readiness.listen('0.0.0.0', cfg.readinessPort));
  const outAddr: Address = await bind('virtualOutbound', `0.0.0.0:${cfg.outboundPort}`, () => outbound.listen());
  const inAddr: Address = await bind('virtualInbound', `0.0.0.0:${cfg.inboundPort}`, () => inbound.listen());
  status.markListenersUp();
  log.info(`Envoy listeners up: virtualOutbound ${formatAddress(outAddr)}, virtualInbound ${formatAddress(inAddr)}${tproxy ? ' (transparent)' : ''}; admin ${formatAddress(adminAddr)}`);
  registry.start();
  const reporter = setInterval(() => {
    for (const l of listeners) l.forEachConnection((c) => istio.progress(c));
  }, cfg.tcpReportingMs);
  reporter.unref();
  timers.reporter = reporter;

  return {
    ports: { admin: adminAddr.port, outbound: outAddr.port, inbound: inAddr.port, status: statusAddr.port, readiness: readyAddr.port, prometheus: promAddr.port },
    status, outbound, inbound, registry, log, exited, terminate, shutdown,
  };
}
