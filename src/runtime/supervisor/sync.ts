/**
 * Keeps what others read in step with the pods: after any change (coalesced, one run at a
 * time) it recomputes endpoints, and when they differ from what was last written it replaces
 * registry.json atomically (version + 1) and the node's service rules (one iptables-restore of
 * the whole node namespace tables); when the services change it rewrites every pod's hosts file,
 * and a pod whose sandbox became ready after that (its hosts file was written when it started,
 * with the services of that moment) gets the current one at the next sync.
 */
import type { Logger } from '../../core/log.ts';
import { runCommand } from '../host/commands.ts';
import { writeAtomic, writeInPlace } from '../host/files.ts';
import type { Endpoint, PodView, ServiceView } from '../model/views.ts';
import { allEndpoints } from '../plan/endpoints.ts';
import { hostsFile } from '../plan/hosts.ts';
import { buildRegistry } from '../plan/registry.ts';
import { serviceRules } from '../plan/service-rules.ts';

export interface SyncSource {
  services(): ServiceView[];
  podViews(): PodView[];
  /** Pods whose sandbox exists: their hosts file path and identity. */
  hostsTargets(): { path: string; namespace: string; name: string; ip: string }[];
}

export class Syncer {
  private readonly source: SyncSource;
  private readonly registryPath: string;
  private readonly nodeNetns: string;
  private readonly log: Logger;
  private running: Promise<void> | undefined;
  private dirty = false;
  private version = 0;
  private lastRegistry = '';
  private lastRules = '';
  private lastServices = '';
  /** Hosts files written with the services of lastServices. */
  private hostsWritten = new Set<string>();
  endpoints: Endpoint[] = [];

  constructor(source: SyncSource, registryPath: string, nodeNetns: string, log: Logger) {
    this.source = source;
    this.registryPath = registryPath;
    this.nodeNetns = nodeNetns;
    this.log = log;
  }

  /** Asks for a sync; returns when one that started after this call has finished. */
  schedule(): Promise<void> {
    this.dirty = true;
    if (!this.running) {
      this.running = (async () => {
        await new Promise((r) => setTimeout(r, 5));
        while (this.dirty) {
          this.dirty = false;
          try {
            await this.once();
          } catch (err) {
            this.log.error(`sync: ${(err as Error).message}`);
          }
        }
        this.running = undefined;
      })();
    }
    return this.running;
  }

  private async once(): Promise<void> {
    const services = this.source.services();
    const pods = this.source.podViews();
    this.endpoints = allEndpoints(services, pods);
    const registry = buildRegistry(0, services, this.endpoints, pods);
    const body = JSON.stringify({ ...registry, version: undefined });
    if (body !== this.lastRegistry || this.version === 0) {
      this.version++;
      writeAtomic(this.registryPath, `${JSON.stringify({ ...registry, version: this.version }, null, 2)}\n`);
      this.lastRegistry = body;
    }
    const rules = serviceRules(services, this.endpoints);
    if (rules !== this.lastRules) {
      await runCommand({ bin: 'ip', args: ['netns', 'exec', this.nodeNetns, 'iptables-restore', '-w', '5'], stdin: rules });
      this.lastRules = rules;
    }
    const svcKey = JSON.stringify(services.map((s) => [s.service.metadata.namespace, s.service.metadata.name, s.clusterIP]));
    if (svcKey !== this.lastServices) {
      this.hostsWritten = new Set();
      this.lastServices = svcKey;
    }
    for (const t of this.source.hostsTargets()) {
      if (this.hostsWritten.has(t.path)) continue;
      writeInPlace(t.path, hostsFile(t, services));
      this.hostsWritten.add(t.path);
    }
  }
}
