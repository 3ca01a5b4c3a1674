/**
 * A listener: a bound socket whose accepted connections go through a filter chain. Drain stops
 * accepting and leaves open connections alone; closeConnections ends whatever is left.
 */
import type { Address } from '../core/address.ts';
import type { ProxiedConnection } from '../filters/network/connection-observer.ts';

export interface ListenerInfo {
  readonly name: string;
  /** The configured address (0.0.0.0:15001), as /listeners and stats name it. */
  readonly address: Address;
  /** The bound address (differs from `address` when the configured port was 0). */
  readonly bound: Address | undefined;
  readonly transparent: boolean;
}

export interface Listener {
  readonly info: ListenerInfo;
  readonly activeConnections: number;
  readonly accepting: boolean;
  listen(): Promise<Address>;
  /** Stops accepting new connections; open connections go on. */
  stopAccepting(): void;
  /** Ends every open connection now. */
  closeConnections(): void;
  /** Calls `fn` for each open connection (periodic metric reports). */
  forEachConnection(fn: (c: ProxiedConnection) => void): void;
}
