/**
 * xDS as the config source: the ADS client towards the discovery address (the connection is
 * this process's, uid 1337, so the pod's capture rules let it through), the data path over
 * the accepted config (config-match.ts), Envoy's xDS stats, and a readiness that follows the
 * first complete CDS+EDS+LDS(+RDS) set. Inbound peers are unknown without mTLS, as in Istio.
 */
import type { ClusterManager } from '../proxy/cluster/cluster-manager.ts';
import type { ProxyBootstrap } from '../proxy/core/bootstrap.ts';
import type { LogLevels } from '../proxy/core/log-levels.ts';
import type { Random } from '../proxy/core/random.ts';
import type { ServerStatus } from '../proxy/core/server-state.ts';
import { matchInboundConfig, matchOutboundConfig } from '../proxy/listener/config-match.ts';
import type { StatsStore } from '../proxy/stats/store.ts';
import { xdsStats } from '../proxy/stats/xds-stats.ts';
import { XdsSource } from '../proxy/xds/xds-source.ts';
import type { FrozenSidecarConfig } from './config.ts';
import type { ConfigSource } from './config-source.ts';
import { parseDiscoveryAddress } from './discovery-address.ts';

export interface XdsWiringDeps {
  readonly cfg: FrozenSidecarConfig;
  readonly store: StatsStore;
  readonly clusters: ClusterManager;
  readonly status: ServerStatus;
  readonly levels: LogLevels;
  readonly bootstrap: ProxyBootstrap;
  readonly random: Random;
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number } | undefined;
}

export function xdsWiring(d: XdsWiringDeps): ConfigSource {
  const source = new XdsSource({
    target: parseDiscoveryAddress(d.cfg.discoveryAddress).target,
    node: d.bootstrap.node,
    bootstrap: d.bootstrap.config,
    clusters: d.clusters,
    stats: xdsStats(d.store),
    log: d.levels.logger('config'),
    random: d.random,
    ...(d.backoff ? { backoff: d.backoff } : {}),
    onReady: () => d.status.markConfigLoaded(),
  });
  const current = () => source.current();
  return {
    mode: 'xds',
    outboundMatch: matchOutboundConfig({ current, random: d.random, listenerPort: d.cfg.outboundPort }),
    inboundMatch: matchInboundConfig({ current, random: d.random, listenerPort: d.cfg.inboundPort }),
    peerAt: () => undefined,
    configDump: () => source.dump(),
    listenerStatuses: () => [...(current()?.listeners.values() ?? [])].map((l) => ({ name: l.name, address: l.address })),
    activeListeners: () => current()?.listeners.size ?? 0,
    current,
    onConfig: (cb) => source.onConfig(cb),
    start: () => source.start(),
    close: () => source.close(),
  } satisfies ConfigSource;
}
