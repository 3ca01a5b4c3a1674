/**
 * The listener both virtual listeners share: accepts with allowHalfOpen and pauseOnConnect (no
 * byte is read before the filter chain is chosen), finds the original destination, asks the
 * filter chain match (which may inspect the first bytes) and hands the connection to a
 * tcp_proxy session or to the HTTP connection manager. Counts `listener.<addr>.downstream_cx_*`
 * and tracks every open connection until it has fully closed; stopping accepting also starts
 * a graceful close of its HTTP connections. A chain with a TLS transport socket has TLS
 * terminated first (downstream-tls.ts); the decrypted connection goes on the same way.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { socketAddress, statAddress, type Address } from '../core/address.ts';
import type { DestinationResolver } from '../core/original-destination.ts';
import { setTransparent } from '../core/socket-options.ts';
import { newStreamInfo, type Direction, type StreamInfo } from '../core/stream-info.ts';
import type { Logger } from '../../core/log.ts';
import type { ConnectionObserver, ProxiedConnection } from '../filters/network/connection-observer.ts';
import { TcpProxySession, type TcpProxyConfig } from '../filters/network/tcp-proxy.ts';
import { listenerStats, type ListenerStats, type TcpStatsCache } from '../stats/envoy-stats.ts';
import type { StatsStore } from '../stats/store.ts';
import { HttpConnection } from '../filters/network/http-connection-manager/connection-manager.ts';
import type { ChainDecision, FilterChainMatch, HttpChain } from './chain-decision.ts';
import { afterHandshake, terminateDownstreamTls } from './downstream-tls.ts';
import type { HttpListenerDeps } from './http-listener-deps.ts';
import type { Listener, ListenerInfo } from './listener.ts';
import type { Upstream } from './upstream.ts';
import type { Inspection } from './filters/inspect.ts';

export type { FilterChainMatch } from './chain-decision.ts';

export interface TcpListenerOptions {
  readonly name: string;
  readonly address: Address;
  readonly direction: Direction;
  readonly transparent: boolean;
  readonly resolver: DestinationResolver;
  readonly match: FilterChainMatch;
  readonly tcpProxy: TcpProxyConfig;
  readonly store: StatsStore;
  readonly tcpStats: TcpStatsCache;
  readonly observers: readonly ConnectionObserver[];
  readonly http: HttpListenerDeps;
  readonly log: Logger;
}

export class TcpListener implements Listener {
  private server: Server | undefined;
  private bound: Address | undefined;
  private readonly sessions = new Set<TcpProxySession>();
  private readonly http = new Set<HttpConnection>();
  private draining = false;
  private readonly stats: ListenerStats;
  private readonly opts: TcpListenerOptions;

  constructor(opts: TcpListenerOptions) {
    this.opts = opts;
    this.stats = listenerStats(opts.store, statAddress(opts.address));
  }

  get info(): ListenerInfo {
    return { name: this.opts.name, address: this.opts.address, bound: this.bound, transparent: this.opts.transparent };
  }

  get activeConnections(): number {
    return this.sessions.size + this.http.size;
  }

  get accepting(): boolean {
    return this.server?.listening ?? false;
  }

  listen(): Promise<Address> {
    // noDelay: a proxy must not hold small writes back for Nagle (h2c and gRPC stalled ~40 ms without it).
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (s) => this.accept(s));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.opts.address.ip, port: this.opts.address.port, backlog: 4096 }, () => {
        server.off('error', reject);
        server.on('error', (err) => this.opts.log.error(`listener ${this.opts.name}: ${err.message}`));
        try {
          if (this.opts.transparent) setTransparent(server);
        } catch (err) {
          server.close();
          reject(new Error(`${this.opts.name}: IP_TRANSPARENT needs CAP_NET_ADMIN (TPROXY interception mode)`, { cause: err }));
          return;
        }
        const a = server.address();
        this.bound = typeof a === 'object' && a !== null ? { ip: a.address, port: a.port } : this.opts.address;
        resolve(this.bound);
      });
    });
  }

  stopAccepting(): void {
    if (this.server?.listening) this.server.close();
    this.draining = true;
    for (const c of this.http) c.drain();
  }

  closeConnections(): void {
    for (const s of [...this.sessions]) s.destroy();
    for (const c of [...this.http]) c.destroy();
  }

  forEachConnection(fn: (c: ProxiedConnection) => void): void {
    for (const s of this.sessions) fn(s);
  }

  private accept(socket: Socket): void {
    socket.on('error', () => {}); // the session installs its own handlers; never let one escape
    const destination = this.opts.resolver.resolve(socket);
    this.stats.downstream_cx_total.inc();
    if (!destination) {
      socket.destroy();
      this.stats.downstream_cx_destroy.inc();
      return;
    }
    const info = newStreamInfo(this.opts.direction, destination, socketAddress(socket.remoteAddress, socket.remotePort));
    this.stats.downstream_cx_active.inc();
    const onFailure = (err: unknown): undefined => {
      this.opts.log.error(`listener ${this.opts.name}: filter chain match failed: ${(err as Error).message}`);
      return undefined;
    };
    let decision: ChainDecision | undefined | Promise<ChainDecision | undefined>;
    try {
      decision = this.opts.match(destination, info.downstreamRemote, socket);
    } catch (err) {
      decision = onFailure(err);
    }
    if (decision instanceof Promise) void decision.catch(onFailure).then((d) => this.dispatch(socket, info, destination, d));
    else this.dispatch(socket, info, destination, decision);
  }

  private closed(): void {
    this.stats.downstream_cx_active.dec();
    this.stats.downstream_cx_destroy.inc();
  }

  private dispatch(socket: Socket, info: StreamInfo, destination: Address, d: ChainDecision | undefined): void {
    if (d?.tls) {
      const tls = d.tls;
      return terminateDownstreamTls(socket, tls, (secure) => this.dispatch(secure, info, destination, { ...afterHandshake(d, secure), tls: undefined }), (err) => {
        this.opts.log.debug(`listener ${this.opts.name}: TLS handshake failed: ${err.message}`);
        this.closed();
      });
    }
    if (d?.kind === 'http') return this.serveHttp(socket, info, d.chain, d.inspection);
    const upstream: Upstream | undefined = d?.upstream;
    if (!upstream) this.stats.no_filter_chain_match.inc();
    const session = new TcpProxySession(socket, info, upstream, destination, {
      config: this.opts.tcpProxy,
      stats: this.opts.tcpStats.get(upstream?.statPrefix ?? this.opts.name),
      observers: this.opts.observers,
      onDone: (s) => {
        this.sessions.delete(s);
        this.closed();
      },
    });
    this.sessions.add(session);
    session.start();
  }

  private serveHttp(socket: Socket, info: StreamInfo, chain: HttpChain, inspection: Inspection): void {
    const h = this.opts.http;
    const conn = new HttpConnection(socket, {
      ctx: {
        connection: info,
        settings: chain.settings,
        stats: h.stats.get(chain.statPrefix),
        routeConfig: chain.routeConfig,
        filters: h.filters(this.opts.direction, chain.settings),
        observers: h.observers,
        router: { cluster: chain.cluster, pools: h.pools, random: h.random },
        random: h.random,
        requestedServerName: inspection.serverName === '' ? undefined : inspection.serverName,
        draining: () => this.draining,
      },
      applicationProtocols: inspection.applicationProtocols,
      onClose: (c) => {
        this.http.delete(c);
        this.closed();
      },
      onProtocolError: (err) => this.opts.log.debug(`listener ${this.opts.name}: HTTP protocol error: ${err.message}`),
    });
    this.http.add(conn);
    conn.start();
  }
}
