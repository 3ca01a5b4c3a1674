/**
 * The sidecar assembled top to bottom, Envoy and pilot-agent in one process: loggers and stats,
 * the bootstrap (node), the config source (xDS from the discovery address, else registry.json)
 * and the cluster manager, the two virtual listeners with their tcp_proxy observers (Istio
 * metrics, access log), admin 15000, readiness 15021, Prometheus 15090, the agent's status
 * server 15020, and graceful drain. `startSidecar` returns once everything listens; readiness
 * follows when the initial config is in force.
 */
import { createLogger, type Logger } from '../core/log.ts';
import type { AdminContext } from '../proxy/admin/admin-context.ts';
import { createAdminServer } from '../proxy/admin/admin-server.ts';
import { createPrometheusServer, createReadinessServer, proxyPrometheus } from '../proxy/admin/stats-listeners.ts';
import { createAccessLoggers } from '../proxy/access-log/http-access-log.ts';
import { ClusterManager } from '../proxy/cluster/cluster-manager.ts';
import { HttpPools } from '../proxy/cluster/pool/pools.ts';
import { formatAddress, type Address } from '../proxy/core/address.ts';
import type { HttpServer } from '../proxy/core/http-server.ts';
import { LogLevels } from '../proxy/core/log-levels.ts';
import type { DestinationResolver } from '../proxy/core/original-destination.ts';
import { mathRandom, type Random } from '../proxy/core/random.ts';
import { localAddressResolver, soOriginalDstResolver } from '../proxy/core/resolvers.ts';
import { ServerStatus } from '../proxy/core/server-state.ts';
import type { ConnectionObserver } from '../proxy/filters/network/connection-observer.ts';
import type { HttpListenerDeps } from '../proxy/listener/http-listener-deps.ts';
import type { TcpListener } from '../proxy/listener/tcp-listener.ts';
import { bindLdsListeners } from '../proxy/listener/bound-listeners.ts';
import { virtualInbound } from '../proxy/listener/virtual-inbound.ts';
import { virtualOutbound } from '../proxy/listener/virtual-outbound.ts';
import { HttpStatsCache, TcpStatsCache } from '../proxy/stats/envoy-stats.ts';
import { IstioTcpMetrics } from '../proxy/stats/istio-metrics.ts';
import { IstioHttpMetrics } from '../proxy/stats/istio-http-metrics.ts';
import type { Direction } from '../proxy/core/stream-info.ts';
import type { HttpFilterFactory } from '../proxy/filters/http/http-filter.ts';
import { corsFilter } from '../proxy/filters/http/cors/cors.ts';
import { faultFilter } from '../proxy/filters/http/fault/fault.ts';
import { metadataExchange } from '../proxy/filters/http/metadata-exchange.ts';
import { SpanRecorder } from '../proxy/tracing/span-recorder.ts';
import { ZipkinTracer } from '../proxy/tracing/tracer.ts';
import { MemoryStatsStore } from '../proxy/stats/memory-store.ts';
import { registerServerStats } from '../proxy/stats/server-stats.ts';
import { workloadMetadata } from '../proxy/stats/workload-metadata.ts';
import { accessLogSink } from './access-log-sink.ts';
import { sidecarBootstrap } from './bootstrap.ts';
import { workloadOf, type FrozenSidecarConfig } from './config.ts';
import { waitingFor, type ConfigSource } from './config-source.ts';
import { Drainer } from './drain.ts';
import { MetricsMerger } from './metrics-merge.ts';
import { registryWiring } from './registry-wiring.ts';
import { createStatusServer } from './status-server.ts';
import { xdsWiring } from './xds-wiring.ts';

/** What tests (and embedders) may replace; everything else comes from the config. */
export interface SidecarOverrides {
  /** Original destinations (default: SO_ORIGINAL_DST for REDIRECT, the local address for TPROXY inbound). */
  readonly resolver?: DestinationResolver;
  /** Access log sink (default: per --access-log-file). */
  readonly accessLog?: (line: string) => void;
  /** Log sink for agent and proxy lines (default: stderr). */
  readonly writeLog?: (line: string) => void;
  /** registry.json mode: the clusters' circuit breaker (with xDS it comes from CDS). */
  readonly maxConnectionsPerCluster?: number;
  /** Randomness for weighted clusters, RANDOM / LEAST_REQUEST and reconnect jitter. */
  readonly random?: Random;
  /** The ADS reconnect back-off (default Envoy's 500 ms doubling up to 30 s). */
  readonly xdsBackoff?: { readonly baseMs: number; readonly maxMs: number };
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
  readonly source: ConfigSource;
  readonly log: Logger;
  /** Resolves with the exit code once the sidecar has stopped. */
  readonly exited: Promise<number>;
  /** SIGTERM: drain, then stop with 0. */
  terminate(reason: string): Promise<void>;
  /** Stop now (no drain). */
  shutdown(code?: number): Promise<void>;
}

export async function startSidecar(cfg: FrozenSidecarConfig, o: SidecarOverrides = {}): Promise<Sidecar> {
  // Logging, state and stats.
  const log = createLogger({ level: cfg.logLevel, ...(o.writeLog ? { write: o.writeLog } : {}) });
  const levels = new LogLevels(cfg.proxyLogLevel, o.writeLog);
  const mode = cfg.discoveryAddress === '' ? 'registry' : 'xds';
  const status = new ServerStatus(waitingFor(mode));
  const store = new MemoryStatsStore();
  const random = o.random ?? mathRandom;
  const workload = workloadOf(cfg);
  const bootstrap = sidecarBootstrap(cfg);
  const from = mode === 'xds' ? `xDS from ${cfg.discoveryAddress}` : `registry ${cfg.registryPath}`;
  log.info(`Starting mizzen sidecar ${bootstrap.node.id ?? ''}: interception ${cfg.interceptionMode}, config ${from}`);

  // Configuration source and clusters.
  const containerPorts = [...new Set(cfg.podPorts.filter((p) => p.protocol.toUpperCase() === 'TCP').map((p) => p.containerPort))];
  const clusters = new ClusterManager({ store, random });
  const listeners: TcpListener[] = [];
  const source: ConfigSource = mode === 'xds'
    ? xdsWiring({ cfg, store, clusters, status, levels, bootstrap, random, backoff: o.xdsBackoff })
    : registryWiring({
      cfg, store, clusters, status, levels, bootstrap, listeners: () => listeners, maxConnectionsPerCluster: o.maxConnectionsPerCluster,
      local: { instanceIp: cfg.instanceIp, namespace: cfg.podNamespace, labels: cfg.labels, containerPorts },
    });
  registerServerStats(store, { status, listeners: () => listeners, activeListeners: () => source.activeListeners(), clusters });

  // Listeners and their network filters.
  const local = workloadMetadata({ workload, namespace: cfg.podNamespace, labels: cfg.labels }, cfg.clusterId);
  const sink = accessLogSink(cfg.accessLogFile);
  const istio = new IstioTcpMetrics(store, { local, clusterId: cfg.clusterId, peerAt: (ip) => source.peerAt(ip) });
  const accessLog = o.accessLog ?? sink?.write;
  const logs = accessLog ? createAccessLoggers({ encoding: cfg.accessLogEncoding, format: cfg.accessLogFormat, write: accessLog }) : undefined;
  const observers: ConnectionObserver[] = [istio, ...(logs ? [logs.tcp] : [])];

  // The HTTP connection manager's filters and observers, per direction.
  const spans = new SpanRecorder();
  const nodeId = bootstrap.node.id ?? '';
  const identity = { metadata: local, name: cfg.podName, nodeId, serviceAccount: cfg.serviceAccount, appContainers: cfg.appContainers, instanceIps: [cfg.instanceIp], meshId: cfg.meshId };
  const httpByDirection = Object.fromEntries((['outbound', 'inbound'] as const).map((direction) => {
    const tracer = new ZipkinTracer({ direction, nodeId, recorder: spans, random });
    return [direction, { filters: [tracer, metadataExchange({ direction, local: identity }), corsFilter(random), faultFilter(random)], tracer }];
  })) as Record<Direction, { filters: HttpFilterFactory[]; tracer: ZipkinTracer }>;
  const httpMetrics = new IstioHttpMetrics(store, { local, clusterId: cfg.clusterId, peerAt: (ip) => source.peerAt(ip) });
  const pools = new HttpPools();
  const http: HttpListenerDeps = {
    filters: (direction) => httpByDirection[direction].filters,
    observers: [httpMetrics, httpByDirection.outbound.tracer, httpByDirection.inbound.tracer, ...(logs ? [logs.http] : [])],
    pools, random, stats: new HttpStatsCache(store),
  };
  const common = {
    store,
    tcpStats: new TcpStatsCache(store),
    observers,
    http,
    tcpProxy: { maxConnectAttempts: cfg.maxConnectAttempts },
    log: levels.logger('connection'),
  };
  const outbound = virtualOutbound({ ...common, match: source.outboundMatch, address: { ip: '0.0.0.0', port: cfg.outboundPort }, resolver: o.resolver ?? soOriginalDstResolver });
  const tproxy = cfg.interceptionMode === 'TPROXY';
  const inbound = virtualInbound({
    ...common, match: source.inboundMatch, address: { ip: '0.0.0.0', port: cfg.inboundPort }, transparent: tproxy,
    resolver: o.resolver ?? (tproxy ? localAddressResolver : soOriginalDstResolver),
  });
  listeners.push(outbound, inbound);
  const bound = bindLdsListeners({ ...common, current: () => source.current(), random, listeners, log });
  source.onConfig(() => bound.sync());

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
      source.close();
      for (const l of listeners) {
        l.stopAccepting();
        l.closeConnections();
      }
      pools.close();
      await Promise.all(servers.map((s) => s.close()));
      await sink?.close();
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
  const adminCtx: AdminContext = {
    status, store, clusters, logLevels: levels, bootstrap,
    listenerStatuses: () => source.listenerStatuses(),
    configDump: () => source.configDump(),
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
  source.start();
  const reporter = setInterval(() => {
    for (const l of listeners) l.forEachConnection((c) => istio.progress(c));
  }, cfg.tcpReportingMs);
  reporter.unref();
  timers.reporter = reporter;

  return {
    ports: { admin: adminAddr.port, outbound: outAddr.port, inbound: inAddr.port, status: statusAddr.port, readiness: readyAddr.port, prometheus: promAddr.port },
    status, outbound, inbound, source, log, exited, terminate, shutdown,
  };
}
