/**
 * The sidecar's config from the control plane over ADS (state of the world), as Envoy's gRPC
 * mux runs it: subscribe CDS and LDS wildcard on every new stream (with the versions and names
 * already known, so a reconnect resumes); apply each response all or nothing (apply.ts), ACK it
 * (version + nonce) or NACK it (error_detail) keeping the last good config; then follow the
 * accepted set's dependencies with named EDS (its EDS clusters), RDS (its HCMs' route
 * configs) and SDS (the secrets its TLS chains reference, a gateway's credentialName) requests.
 * Ready once CDS, EDS, LDS, RDS and SDS form a complete set; a lost control
 * plane changes nothing in force while the stream reconnects with back-off.
 */
import type { Logger } from '../../core/log.ts';
import type { DiscoveryResponse, Node } from '../../core/xds/ads-service.ts';
import type { ConfigDumpSource, Json } from '../admin/config-dump-source.ts';
import type { ClusterManager, ClusterSet } from '../cluster/cluster-manager.ts';
import type { ProxyConfig } from '../config/proxy-config.ts';
import type { Random } from '../core/random.ts';
import type { XdsStats } from '../stats/xds-stats.ts';
import { AdsStream } from './ads-stream.ts';
import type { AdsStreamHandler } from './ads-stream-handler.ts';
import { applyResponse } from './apply.ts';
import { edsNames, rdsNames } from './assemble.ts';
import { listenerSecretNames } from './sds-listeners.ts';
import { Backoff, envoyBackoff } from './backoff.ts';
import { keyOf, newXdsState, typeKeys, type TypeKey, type XdsState } from './state.ts';
import { xdsDumpSource } from './xds-dump.ts';

export interface XdsSourceOptions {
  /** gRPC target of the discovery address (`istiod.istio-system.svc:15010`, or `unix:/path`). */
  readonly target: string;
  readonly node: Node;
  readonly bootstrap: Json;
  readonly clusters: ClusterManager;
  readonly stats: XdsStats;
  readonly log: Logger;
  readonly random: Random;
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** Called once, when the first complete CDS+EDS+LDS(+RDS) set is in force. */
  readonly onReady: () => void;
}

/** Told about each ProxyConfig put in force. */
export type ConfigListener = (config: ProxyConfig) => void;

export class XdsSource {
  private readonly state: XdsState = newXdsState();
  private readonly stream: AdsStream;
  private config: ProxyConfig | undefined;
  private ready = false;
  private readonly startedAt = new Date().toISOString();
  private readonly o: XdsSourceOptions;
  private readonly listeners: ConfigListener[] = [];

  constructor(o: XdsSourceOptions) {
    this.o = o;
    const backoff = new Backoff({ ...(o.backoff ?? envoyBackoff), random: o.random });
    const handler = { opened: () => this.opened(), connected: () => this.connected(), response: (r: DiscoveryResponse) => this.response(r), lost: (why: string) => this.lost(why) } satisfies AdsStreamHandler;
    this.stream = new AdsStream({ target: o.target, node: o.node, backoff, log: o.log, handler });
  }

  /** The config in force; undefined until the first accepted update. */
  current(): ProxyConfig | undefined {
    return this.config;
  }

  /** Calls `cb` after every config swap (e.g. to bind the listeners LDS added). */
  onConfig(cb: ConfigListener): void {
    this.listeners.push(cb);
  }

  get isReady(): boolean {
    return this.ready;
  }

  dump(): ConfigDumpSource {
    return xdsDumpSource(this.state, this.o.bootstrap, this.startedAt);
  }

  start(): void {
    this.o.log.info(`xDS: connecting to ${this.o.target} as ${this.o.node.id ?? ''}`);
    this.stream.start();
  }

  close(): void {
    this.stream.close();
    this.o.stats.connectedState.set(0);
  }

  private opened(): void {
    for (const k of typeKeys) {
      const { sub } = this.state[k];
      sub.resetStream();
      if (sub.active) this.stream.send(sub.request());
    }
  }

  private connected(): void {
    this.o.stats.connectedState.set(1);
    this.o.log.info(`xDS: connected to ${this.o.target}`);
  }

  private lost(reason: string): void {
    this.o.stats.connectedState.set(0);
    this.o.stats.cds.update_failure.inc();
    this.o.stats.lds.update_failure.inc();
    this.o.log.warn(`StreamAggregatedResources gRPC config stream to ${this.o.target} closed: ${reason}; ${this.config ? `keeping the config in force (${this.config.version})` : 'no config received yet'}`);
  }

  private response(res: DiscoveryResponse): void {
    const key = keyOf(this.state, res.typeUrl);
    if (!key || !this.state[key].sub.active) {
      this.o.log.warn(`xDS: ignoring a response for ${res.typeUrl || '(no type)'}, which is not subscribed`);
      return;
    }
    const { sub, translator } = this.state[key];
    sub.received(res.nonce);
    const outcome = applyResponse({ state: this.state, clusters: this.o.clusters, stats: this.o.stats, install: (a) => this.install(a.config, a.clusterSet) }, key, res, new Date().toISOString());
    if (!outcome.ok) {
      this.o.log.warn(`gRPC config for ${res.typeUrl} rejected (version ${res.versionInfo}, nonce ${res.nonce}): ${outcome.message}`);
      this.stream.send(sub.nack(outcome.message));
      return;
    }
    const { added, modified, removed } = outcome.diff;
    this.o.log.info(`${translator.short}: version ${res.versionInfo} applied: ${outcome.count} ${translator.kind}s (${added} added, ${modified} modified, ${removed} removed)${outcome.ignored.length ? `, ignored unrequested ${outcome.ignored.join(', ')}` : ''}`);
    this.countChanges(key, outcome.diff);
    this.stream.send(sub.ack(res.versionInfo));
    if (key === 'cds' || key === 'lds' || key === 'sds') this.follow();
    this.checkReady();
  }

  private install(config: ProxyConfig, set: ClusterSet): void {
    this.o.clusters.install(set, this.state.cds.accepted.versionInfo);
    this.config = config;
    for (const cb of this.listeners) cb(config);
  }

  private countChanges(key: TypeKey, d: { added: number; modified: number; removed: number }): void {
    const s = this.o.stats;
    const counters = key === 'cds' ? [s.clusterAdded, s.clusterModified, s.clusterRemoved] : key === 'lds' ? [s.listenerAdded, s.listenerModified, s.listenerRemoved] : [];
    counters.forEach((c, i) => c.inc([d.added, d.modified, d.removed][i]));
  }

  /** Subscribes EDS, RDS and SDS to what the accepted clusters and listeners (and the warming ones) name. */
  private follow(): void {
    const eds = edsNames(this.state.cds.accepted.current);
    const rds = [...rdsNames(this.state.lds.accepted.current).keys()];
    const sds = [...new Set([...this.state.lds.accepted.all().map((r) => r.json), ...this.state.warming.values()].flatMap(listenerSecretNames))];
    for (const [key, names] of [['eds', eds], ['rds', rds], ['sds', sds]] as const) {
      const { sub, accepted } = this.state[key];
      if (!sub.setNames(names)) continue;
      accepted.retain(new Set(names));
      if (sub.due) this.stream.send(sub.request());
    }
  }

  private checkReady(): void {
    if (this.ready) return;
    const s = this.state;
    const complete = s.cds.accepted.everAccepted && s.lds.accepted.everAccepted
      && s.eds.sub.names.every((n) => s.eds.accepted.get(n) !== undefined)
      && s.rds.sub.names.every((n) => s.rds.accepted.get(n) !== undefined)
      && s.sds.sub.names.every((n) => s.sds.accepted.get(n) !== undefined);
    if (!complete) return;
    this.ready = true;
    this.o.log.info(`xDS: initial config complete (${this.config?.version ?? ''})`);
    this.o.onReady();
  }
}
