/**
 * startControlPlane: istiod's assembly (Istio's bootstrap.Server). The config store is loaded
 * from the -f paths and watched; registry.json and ServiceEntry/WorkloadEntry config form the
 * service registry; the DiscoveryServer pushes on their changes; the ADS server listens on the
 * xDS port and the debug API on the debug port. close() ends the streams gracefully first.
 */
import { silentLogger, type Logger } from '../../core/log.ts';
import { ConfigStore } from '../config/store.ts';
import { watchConfig, type ConfigWatcher } from '../config/source/watch.ts';
import { startDebugServer, type DebugServer } from '../debug/debug-server.ts';
import { AggregateRegistry } from '../registry/aggregate.ts';
import { FileRegistry } from '../registry/file-registry.ts';
import { ServiceEntryRegistry } from '../registry/service-entry-registry.ts';
import { startAdsServer, type AdsServer } from '../xds/server/ads-server.ts';
import { DiscoveryServer } from '../xds/server/discovery-server.ts';
import type { ControlOptions } from './options.ts';

export interface ControlPlane {
  readonly xdsPort: number;
  readonly debugPort: number;
  readonly store: ConfigStore;
  readonly registry: AggregateRegistry;
  readonly discovery: DiscoveryServer;
  ready(): boolean;
  /** Ends the ADS streams (OK status), stops watching, closes both servers. */
  close(graceMs?: number): Promise<void>;
}

export async function startControlPlane(opts: ControlOptions, log: Logger = silentLogger): Promise<ControlPlane> {
  const store = new ConfigStore({ logger: log });
  let watcher: ConfigWatcher | undefined;
  let ads: AdsServer | undefined;
  let debug: DebugServer | undefined;
  const registry = new AggregateRegistry();
  const cleanup = async (graceMs?: number): Promise<void> => {
    await debug?.close();
    await ads?.close(graceMs);
    watcher?.close();
    registry.close();
  };
  try {
    if (opts.configPaths.length > 0) {
      watcher = await watchConfig(opts.configPaths, store, { logger: log });
      log.info(`config: ${store.all().length} resources from ${opts.configPaths.join(', ')}`);
      // Refusals were logged by the store; warnings (deprecated or ignored fields) are not.
      for (const i of store.issues()) if (i.severity === 'warning') log.warn(`config: ${i.message}`);
    }
    const file = opts.registry !== undefined ? new FileRegistry({ path: opts.registry, log }) : undefined;
    if (file) {
      await file.start();
      registry.add(file);
    }
    registry.add(new ServiceEntryRegistry({ store, ...(file ? { pods: file } : {}), log }));
    const discovery = new DiscoveryServer({
      store, registry, mesh: opts.mesh, instanceId: opts.instanceId, log, debounceAfterMs: opts.debounceAfterMs, debounceMaxMs: opts.debounceMaxMs,
    });
    discovery.start();
    ads = await startAdsServer({ discovery, host: opts.xdsAddress, port: opts.xdsPort });
    const ready = (): boolean => registry.synced();
    debug = await startDebugServer({ host: opts.debugAddress, port: opts.debugPort, discovery, store, registry, ready, log });
    log.info(`control plane ${opts.instanceId}: xDS (ADS) on ${opts.xdsAddress}:${ads.port}, debug on ${opts.debugAddress}:${debug.port}`);
    const adsPort = ads.port;
    const debugPort = debug.port;
    return { xdsPort: adsPort, debugPort, store, registry, discovery, ready, close: cleanup };
  } catch (err) {
    await cleanup(0);
    throw err;
  }
}
