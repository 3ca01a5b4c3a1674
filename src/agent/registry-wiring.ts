/**
 * registry.json as the config source: the file source (watched, validated, swapped whole), the
 * clusters it implies (rebuilt and installed on each version), the fixed virtual listener
 * chains, the registry's IP -> workload lookup for inbound peers, and the config dump it
 * amounts to. `cluster_manager.cds.*` counts each registry version as a CDS update would.
 */
import type { ClusterManager } from '../proxy/cluster/cluster-manager.ts';
import { FileRegistrySource } from '../proxy/config/file-registry.ts';
import { registryClusters, type LocalPod } from '../proxy/config/registry-clusters.ts';
import { registryDumpSource } from '../proxy/config/registry-dump.ts';
import type { RegistrySnapshot } from '../proxy/config/snapshot.ts';
import type { ProxyBootstrap } from '../proxy/core/bootstrap.ts';
import type { LogLevels } from '../proxy/core/log-levels.ts';
import type { ServerStatus } from '../proxy/core/server-state.ts';
import type { Listener } from '../proxy/listener/listener.ts';
import { matchInbound } from '../proxy/listener/virtual-inbound.ts';
import { asFilterChainMatch, matchOutbound } from '../proxy/listener/virtual-outbound.ts';
import { cdsStats, recordAccepted, recordRejected } from '../proxy/stats/xds-stats.ts';
import type { StatsStore } from '../proxy/stats/store.ts';
import { workloadMetadata } from '../proxy/stats/workload-metadata.ts';
import type { FrozenSidecarConfig } from './config.ts';
import type { ConfigSource } from './config-source.ts';

export interface RegistryWiringDeps {
  readonly cfg: FrozenSidecarConfig;
  readonly local: LocalPod;
  readonly store: StatsStore;
  readonly clusters: ClusterManager;
  readonly status: ServerStatus;
  readonly levels: LogLevels;
  readonly bootstrap: ProxyBootstrap;
  readonly listeners: () => readonly Listener[];
  readonly maxConnectionsPerCluster?: number | undefined;
}

export function registryWiring(d: RegistryWiringDeps): ConfigSource {
  const { cfg, clusters } = d;
  const cds = cdsStats(d.store);
  let updatedAt = new Date().toISOString();
  const options = { local: d.local, clusterId: cfg.clusterId, connectTimeoutMs: cfg.connectTimeoutMs, ...(d.maxConnectionsPerCluster !== undefined ? { maxConnections: d.maxConnectionsPerCluster } : {}) };
  const install = (snap: RegistrySnapshot | undefined): void => {
    const { specs, endpoints } = registryClusters(snap, options);
    clusters.install(clusters.build(specs, endpoints), snap ? String(snap.version) : '');
  };
  install(undefined);
  const registry = new FileRegistrySource({
    path: cfg.registryPath,
    pollMs: cfg.registryPollMs,
    log: d.levels.logger('config'),
    events: { applied: (s) => recordAccepted(cds, String(s.version)), rejected: () => recordRejected(cds) },
  });
  registry.onUpdate((snap) => {
    install(snap);
    updatedAt = new Date().toISOString();
    d.status.markConfigLoaded();
  });
  const snapshot = (): RegistrySnapshot | undefined => registry.current();
  const dump = registryDumpSource({
    bootstrap: d.bootstrap.config, snapshot, clusters, listeners: d.listeners, policy: cfg.outboundTrafficPolicy,
    containerPorts: d.local.containerPorts, updatedAt: () => updatedAt,
  });
  return {
    mode: 'registry',
    outboundMatch: asFilterChainMatch(matchOutbound({ clusters, snapshot, policy: cfg.outboundTrafficPolicy, listenerPort: cfg.outboundPort })),
    inboundMatch: asFilterChainMatch(matchInbound({ clusters, containerPorts: new Set(d.local.containerPorts), listenerPort: cfg.inboundPort })),
    peerAt: (ip) => {
      const w = snapshot()?.workloadByIp.get(ip);
      return w && workloadMetadata(w, cfg.clusterId);
    },
    configDump: () => dump,
    listenerStatuses: () => d.listeners().map((l) => ({ name: l.info.name, address: l.info.address })),
    activeListeners: () => d.listeners().filter((l) => l.accepting).length,
    current: () => undefined,
    onConfig: () => {},
    start: () => registry.start(),
    close: () => registry.close(),
  } satisfies ConfigSource;
}
