/**
 * The listener both virtual listeners share: accepts with allowHalfOpen and pauseOnConnect (no
 * byte is read before the upstream is connected), finds the original destination, asks the
 * filter chain match for an upstream and hands the connection to a tcp_proxy session. Counts
 * `listener.<addr>.downstream_cx_*` and tracks every open session until it has fully closed.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { socketAddress, statAddress, type Address } from '../core/address.ts';
import type { DestinationResolver } from '../core/original-destination.ts';
import { setTransparent } from '../core/socket-options.ts';
import { newStreamInfo, type Direction } from '../core/stream-info.ts';
import type { Logger } from '../../core/log.ts';
import type { ConnectionObserver, ProxiedConnection } from '../filters/network/connection-observer.ts';
import { TcpProxySession, type TcpProxyConfig } from '../filters/network/tcp-proxy.ts';
import { listenerStats, type ListenerStats, type TcpStatsCache } from '../stats/envoy-stats.ts';
import type { StatsStore } from '../stats/store.ts';
import type { Listener, ListenerInfo } from './listener.ts';
import type { Upstream } from './upstream.ts';

/** The filter chain match: where a connection to `destination` goes (undefined: no filter chain, NR). */
export type FilterChainMatch = (destination: Address, remote: Address | undefined) => Upstream | undefined;

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
  readonly log: Logger;
}

export class TcpListener implements Listener {
  private server: Server | undefined;
  private bound: Address | undefined;
  private readonly sessions = new Set<TcpProxySession>();
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
    return this.sessions.size;
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
  }

  closeConnections(): void {
    for (const s of [...this.sessions]) s.destroy();
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
    let upstream: Upstream | undefined;
    try {
      upstream = this.opts.match(destination, info.downstreamRemote);
    } catch (err) {
      this.opts.log.error(`listener ${this.opts.name}: filter chain match failed: ${(err as Error).message}`);
    }
    if (!upstream) this.stats.no_filter_chain_match.inc();
    this.stats.downstream_cx_active.inc();
    const session = new TcpProxySession(socket, info, upstream, destination, {
      config: this.opts.tcpProxy,
      stats: this.opts.tcpStats.get(upstream?.statPrefix ?? this.opts.name),
      observers: this.opts.observers,
      onDone: (s) => {
        this.sessions.delete(s);
        this.stats.downstream_cx_active.dec();
        this.stats.downstream_cx_destroy.inc();
      },
    });
    this.sessions.add(session);
    session.start();
  }
}
