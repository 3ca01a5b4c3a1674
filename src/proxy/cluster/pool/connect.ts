/**
 * Opening one upstream TCP connection for a pool: the cluster's upstream bind (127.0.0.6 for
 * Istio's inbound clusters), TCP_NODELAY, the cluster's TCP keepalive
 * (upstream_connection_options.tcp_keepalive, set once connected), and the cluster's connect
 * timeout, which destroys the socket with a tagged error the pools report as `connect_timeout`.
 */
import { connect, type Socket } from 'node:net';
import { familyOf, upstreamBindAddress, type Address } from '../../core/address.ts';
import { setTcpKeepalive, type TcpKeepalive } from '../../core/socket-options.ts';

export type { TcpKeepalive };

export const CONNECT_TIMEOUT = 'ECONNECTTIMEOUT';

export interface ConnectOptions {
  readonly address: Address;
  readonly upstreamBind: string | undefined;
  readonly connectTimeoutMs: number;
  /** Undefined: leave the system's defaults (no SO_KEEPALIVE), as Envoy does. */
  readonly tcpKeepalive?: TcpKeepalive | undefined;
}

export function connectUpstream(o: ConnectOptions): Socket {
  const source = upstreamBindAddress(o.upstreamBind, familyOf(o.address.ip));
  const socket = connect({ host: o.address.ip, port: o.address.port, noDelay: true, ...(source === undefined ? {} : { localAddress: source }) });
  const timer = setTimeout(() => {
    const err = Object.assign(new Error(`connect timeout after ${o.connectTimeoutMs}ms`), { code: CONNECT_TIMEOUT });
    socket.destroy(err);
  }, o.connectTimeoutMs);
  const keepalive = o.tcpKeepalive;
  socket.once('connect', () => {
    clearTimeout(timer);
    if (keepalive) setTcpKeepalive(socket, keepalive);
  });
  socket.once('close', () => clearTimeout(timer));
  return socket;
}

/** An upstream socket error as Envoy's transport failure reason text. */
export function failureDetail(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  if (!e) return '';
  if (e.code === CONNECT_TIMEOUT) return 'connect timeout';
  if (e.code === 'ECONNREFUSED') return 'delayed connect error: Connection refused';
  if (e.code === 'ECONNRESET') return 'connection reset by peer';
  return e.code ?? e.message;
}
