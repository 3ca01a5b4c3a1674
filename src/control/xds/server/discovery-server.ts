/**
 * DiscoveryServer: istiod's ADS logic, independent of the transport (Istio's xds.DiscoveryServer).
 * It keeps the current PushContext, every connection and its subscriptions, answers requests
 * (initial, ACK, NACK, subscription changes, unsubscribe), and turns config-store and registry
 * changes into debounced pushes. Nothing thrown by a request, a generator or a broken stream
 * escapes an event handler: it is logged and the stream (or the server) carries on.
 */
import { status } from '@grpc/grpc-js';
import { describeError } from '../../../core/errors.ts';
import { silentLogger, type Logger } from '../../../core/log.ts';
import type { DeltaDiscoveryRequest, DiscoveryRequest } from '../../../core/xds/ads-service.ts';
import type { ConfigStore } from '../../config/store.ts';
import type { MeshConfig } from '../../model/mesh-config.ts';
import { parseProxy, type NodeInfo } from '../../model/proxy.ts';
import { PushContext } from '../../model/push-context.ts';
import { pushRequest, type PushRequest } from '../../model/push-request.ts';
import type { ServiceRegistry } from '../../registry/service-registry.ts';
import { ControlErrorCodes } from '../errors.ts';
import { generatorsFor } from '../generators.ts';
import { Connection, type AdsStream, type DeltaStream, type XdsMode } from './connection.ts';
import { Debouncer } from './debounce.ts';
import { Pusher } from './pusher.ts';
import { handleDeltaRequest } from './delta-handler.ts';
import { ResourceEncoder } from './resource-encoder.ts';
import { handleSotwRequest } from './sotw-handler.ts';
import type { StreamContext } from './stream-context.ts';

export interface DiscoveryServerOptions {
  readonly store: ConfigStore;
  readonly registry: ServiceRegistry;
  readonly mesh: MeshConfig;
  readonly instanceId: string;
  readonly log?: Logger;
  readonly debounceAfterMs?: number;
  readonly debounceMaxMs?: number;
}

export interface PushRecord {
  readonly version: string;
  readonly at: Date;
  readonly full: boolean;
  readonly reasons: readonly string[];
  /** Connections that were sent something, and how many responses went out in all. */
  readonly proxies: number;
  readonly responses: number;
}

export class DiscoveryServer {
  readonly instanceId: string;
  readonly mesh: MeshConfig;
  private readonly opts: DiscoveryServerOptions;
  private readonly log: Logger;
  private readonly conns = new Set<Connection>();
  private readonly encoder: ResourceEncoder;
  private readonly pusher: Pusher;
  private readonly debouncer: Debouncer;
  private readonly unsubscribe: (() => void)[] = [];
  private current: PushContext;
  private counter = 0;
  private history: PushRecord[] = [];

  constructor(opts: DiscoveryServerOptions) {
    this.opts = opts;
    this.instanceId = opts.instanceId;
    this.mesh = opts.mesh;
    this.log = opts.log ?? silentLogger;
    this.encoder = new ResourceEncoder(this.log);
    this.pusher = new Pusher({ encoder: this.encoder, instanceId: opts.instanceId, log: this.log });
    this.debouncer = new Debouncer({ afterMs: opts.debounceAfterMs ?? 100, maxMs: opts.debounceMaxMs ?? 1000, push: (r) => this.pushAll(r) });
    this.current = this.buildPushContext();
  }

  /** Starts following config and registry changes. */
  start(): void {
    this.unsubscribe.push(this.opts.store.on('change', (ev) => {
      this.enqueue(pushRequest({ full: true, updated: new Set(ev.changed), reasons: [`config: ${[...ev.kinds].join(',')}`] }));
    }));
    this.unsubscribe.push(this.opts.registry.onChange((c) => {
      const full = c.services.size > 0;
      this.enqueue(pushRequest({
        full, edsHosts: new Set(c.endpoints), updated: new Set([...c.services, ...c.endpoints]),
        reasons: [`${c.registry}: ${full ? 'services' : 'endpoints'}`],
      }));
    }));
  }

  get pushContext(): PushContext {
    return this.current;
  }

  connections(): readonly Connection[] {
    return [...this.conns].filter((c) => c.proxy !== undefined);
  }

  pushes(): readonly PushRecord[] {
    return this.history;
  }

  enqueue(req: PushRequest): void {
    this.debouncer.enqueue(req);
  }

  /** Resolves when no push is pending or running. */
  idle(): Promise<void> {
    return this.debouncer.idle();
  }

  /** Serves one ADS stream (state of the world or delta) until the client leaves. */
  handleStream(stream: AdsStream | DeltaStream, mode: XdsMode = 'sotw'): void {
    const conn = new Connection(stream, mode);
    const ctx: StreamContext = {
      log: this.log, pusher: this.pusher, pushContext: () => this.current,
      admit: (c, node) => this.admit(c, node),
      serves: (c, typeUrl) => c.proxy !== undefined && generatorsFor(c.proxy).generators.has(typeUrl),
    };
    const gone = (): void => {
      if (this.conns.delete(conn)) this.log.info(`ADS: "${conn.peer}" ${conn.id} terminated`);
      conn.close();
    };
    stream.on('data', (req: DiscoveryRequest | DeltaDiscoveryRequest) => {
      try {
        if (mode === 'delta') handleDeltaRequest(ctx, conn, req as DeltaDiscoveryRequest);
        else handleSotwRequest(ctx, conn, req as DiscoveryRequest);
      } catch (err) {
        this.log.error(`ADS: request from ${conn.id || conn.peer} failed: ${describeError(err)}`);
      }
    });
    stream.on('end', gone);
    stream.on('error', gone);
    stream.on('cancelled', gone);
    stream.on('close', gone);
  }

  private admit(conn: Connection, node: NodeInfo | undefined): boolean {
    const proxy = parseProxy(node);
    if (!proxy) {
      this.log.warn(`ADS: ${conn.peer}: ${ControlErrorCodes.InvalidRequest}: the first request must carry node.id`);
      conn.close({ code: status.INVALID_ARGUMENT, details: 'the first DiscoveryRequest must carry node.id' });
      return false;
    }
    conn.initialize(proxy);
    this.conns.add(conn);
    this.log.info(`ADS${conn.mode === 'delta' ? '(delta)' : ''}: new connection for node:${conn.id} (${proxy.generator}, ${conn.peer})`);
    return true;
  }

  private buildPushContext(): PushContext {
    const version = `${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}/${++this.counter}`;
    return new PushContext({ store: this.opts.store, registry: this.opts.registry, mesh: this.opts.mesh, version, log: this.log });
  }

  /** One push: a new PushContext, then every connection in turn (yielding between them). */
  private async pushAll(req: PushRequest): Promise<void> {
    const previous = this.current;
    try {
      this.current = this.buildPushContext();
    } catch (err) {
      this.log.error(`push: building the push context failed, keeping the last one: ${describeError(err)}`);
      return;
    }
    this.encoder.reset(this.current.version);
    let proxies = 0;
    let responses = 0;
    for (const conn of [...this.conns]) {
      try {
        const sent = this.pusher.pushConnection(conn, req, this.current, previous);
        if (sent.length > 0) proxies++;
        responses += sent.length;
      } catch (err) {
        this.log.error(`push to ${conn.id} failed: ${describeError(err)}`);
      }
      await new Promise((r) => setImmediate(r));
    }
    const record = { version: this.current.version, at: new Date(), full: req.full, reasons: req.reasons, proxies, responses };
    this.history = [...this.history.slice(-49), record];
    this.log.info(`push ${record.version} (${req.full ? 'full' : 'eds'}; ${req.reasons.join('; ')}): ${proxies} proxies, ${responses} responses, ` +
      `${Date.now() - req.start} ms after the first change`);
  }

  /** Stops pushing and ends every stream with OK, so clients reconnect cleanly. */
  close(): void {
    this.debouncer.close();
    this.unsubscribe.forEach((fn) => fn());
    this.unsubscribe.length = 0;
    for (const c of this.conns) c.close();
    this.conns.clear();
  }
}
