/**
 * LDS listeners that own a socket (bind_to_port true, the default): what a gateway's
 * `0.0.0.0_8080` is. The two virtual listeners are bound by the proxy itself; every other
 * listener with bindToPort gets its own TcpListener on its address, opened when LDS adds it and
 * closed (stop accepting; open connections finish) when LDS removes it or moves it. A
 * connection's listener is the one at its local address (the wildcard address of its port
 * otherwise), resolved against the config in force, as use_original_dst handoff does; then the
 * same filter chain match, tcp_proxy or HTTP connection manager as the virtual listeners.
 * The manager follows the config source: `sync` runs after each config swap and compares the
 * config in force with the one it last applied.
 */
import type { ProxyConfig } from '../config/proxy-config.ts';
import { formatAddress } from '../core/address.ts';
import type { Random } from '../core/random.ts';
import { localAddressResolver } from '../core/resolvers.ts';
import { matchOutboundConfig } from './config-match.ts';
import { VIRTUAL_INBOUND, VIRTUAL_OUTBOUND, type ListenerConfig } from './listener-config.ts';
import { TcpListener, type TcpListenerOptions } from './tcp-listener.ts';

export type BoundListenerDeps = Omit<TcpListenerOptions, 'name' | 'address' | 'direction' | 'transparent' | 'resolver' | 'match'>;

export interface BoundListenersOptions extends BoundListenerDeps {
  readonly current: () => ProxyConfig | undefined;
  readonly random: Random;
  /** The proxy's listeners (drain, shutdown, stats): bound listeners are added and removed here. */
  readonly listeners: TcpListener[];
}

const keyOf = (l: ListenerConfig): string => `${l.name}@${formatAddress(l.address)}`;

export class BoundListeners {
  private readonly o: BoundListenersOptions;
  private readonly open = new Map<string, TcpListener>();
  private seen: ProxyConfig | undefined;
  private closed = false;

  constructor(o: BoundListenersOptions) {
    this.o = o;
  }

  /** The listeners open now, by `name@address`. */
  get names(): string[] {
    return [...this.open.keys()].sort();
  }

  /** Opens and closes sockets so that they follow the config in force. */
  sync(): void {
    const cfg = this.o.current();
    if (this.closed || cfg === this.seen) return;
    this.seen = cfg;
    const wanted = new Map<string, ListenerConfig>();
    for (const l of cfg?.listeners.values() ?? []) {
      if (l.bindToPort && l.name !== VIRTUAL_OUTBOUND && l.name !== VIRTUAL_INBOUND) wanted.set(keyOf(l), l);
    }
    for (const [key, listener] of this.open) {
      if (wanted.has(key)) continue;
      this.open.delete(key);
      listener.stopAccepting();
      const i = this.o.listeners.indexOf(listener);
      if (i >= 0) this.o.listeners.splice(i, 1);
      this.o.log.info(`listener ${key} removed`);
    }
    for (const [key, l] of wanted) if (!this.open.has(key)) this.add(key, l);
  }

  private add(key: string, l: ListenerConfig): void {
    const { current, random, listeners, ...deps } = this.o;
    const listener = new TcpListener({
      ...deps, name: l.name, address: l.address, direction: 'outbound', transparent: l.transparent, resolver: localAddressResolver,
      // Port 0 never equals a real local port, so no connection is taken for a loop.
      match: matchOutboundConfig({ current, random, listenerPort: 0 }),
    });
    this.open.set(key, listener);
    listeners.push(listener);
    listener.listen().then(
      (a) => this.o.log.info(`listener ${l.name} bound to ${formatAddress(a)}`),
      (err: Error) => {
        this.o.log.error(`listener ${l.name}: cannot bind ${formatAddress(l.address)}: ${err.message}`);
        if (this.open.get(key) === listener) this.open.delete(key);
        const i = listeners.indexOf(listener);
        if (i >= 0) listeners.splice(i, 1); // tried again when the config next changes
      },
    );
  }

  /** Stops following the config; the sockets are the proxy's to close (they are in `listeners`). */
  close(): void {
    this.closed = true;
  }
}

export const bindLdsListeners = (o: BoundListenersOptions): BoundListeners => new BoundListeners(o);
