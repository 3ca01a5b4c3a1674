/**
 * Socket options Node does not expose, through libc via koffi: the original destination of a
 * REDIRECTed connection (SO_ORIGINAL_DST / IP6T_SO_ORIGINAL_DST), IP_TRANSPARENT for TPROXY
 * listeners, and the TCP keepalive probes of upstream connections (TCP_KEEPINTVL, TCP_KEEPCNT). Node hides socket file descriptors; this is the one module that reaches for them.
 */
import { createRequire } from 'node:module';
import type { Server, Socket } from 'node:net';

const SOL_IP = 0;
const SOL_IPV6 = 41;
const SO_ORIGINAL_DST = 80;
const IP6T_SO_ORIGINAL_DST = 80;
const IP_TRANSPARENT = 19;
const IPV6_TRANSPARENT = 75;

interface Libc {
  getsockopt(fd: number, level: number, name: number, val: Buffer, len: number[]): number;
  setsockopt(fd: number, level: number, name: number, val: Buffer, len: number): number;
}

let libc: Libc | undefined;

function load(): Libc {
  if (libc) return libc;
  const require = createRequire(import.meta.url);
  const koffi = require('koffi') as {
    load(name: string): { func(sig: string): (...args: unknown[]) => number };
  };
  const lib = koffi.load('libc.so.6');
  const get = lib.func('int getsockopt(int, int, int, _Out_ uint8_t *val, _Inout_ uint32_t *len)');
  const set = lib.func('int setsockopt(int, int, int, const uint8_t *val, uint32_t len)');
  libc = {
    getsockopt: (fd, level, name, val, len) => get(fd, level, name, val, len),
    setsockopt: (fd, level, name, val, len) => set(fd, level, name, val, len),
  };
  return libc;
}

/** The file descriptor behind a socket or server (-1 when it has none). */
export function fdOf(handleOwner: Socket | Server): number {
  const handle = (handleOwner as unknown as { _handle?: { fd?: number } })._handle;
  return typeof handle?.fd === 'number' ? handle.fd : -1;
}

export interface OriginalDst {
  readonly address: string;
  readonly port: number;
  readonly family: 4 | 6;
}

/** The destination a connection had before iptables REDIRECT; undefined when not redirected. */
export function originalDst(socket: Socket): OriginalDst | undefined {
  const fd = fdOf(socket);
  if (fd < 0) return undefined;
  const v6 = socket.localFamily === 'IPv6' && !(socket.localAddress ?? '').startsWith('::ffff:');
  const buf = Buffer.alloc(v6 ? 28 : 16);
  const len = [buf.length];
  const rc = load().getsockopt(fd, v6 ? SOL_IPV6 : SOL_IP, v6 ? IP6T_SO_ORIGINAL_DST : SO_ORIGINAL_DST, buf, len);
  if (rc !== 0) return undefined;
  const port = buf.readUInt16BE(2);
  if (!v6) return { address: `${buf[4]}.${buf[5]}.${buf[6]}.${buf[7]}`, port, family: 4 };
  const groups: string[] = [];
  for (let i = 8; i < 24; i += 2) groups.push(buf.readUInt16BE(i).toString(16));
  return { address: new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1), port, family: 6 };
}

/** Marks a listening server transparent, so TPROXY can hand it connections for any address. */
export function setTransparent(server: Server, family: 4 | 6 = 4): void {
  const fd = fdOf(server);
  if (fd < 0) throw new Error('server has no file descriptor yet; call after listen()');
  const one = Buffer.alloc(4);
  one.writeInt32LE(1);
  const rc = family === 4
    ? load().setsockopt(fd, SOL_IP, IP_TRANSPARENT, one, 4)
    : load().setsockopt(fd, SOL_IPV6, IPV6_TRANSPARENT, one, 4);
  if (rc !== 0) throw new Error(`setsockopt(${family === 4 ? 'IP_TRANSPARENT' : 'IPV6_TRANSPARENT'}) failed`);
}

const IPPROTO_TCP = 6;
const TCP_NODELAY = 1;

/** Whether Nagle is off on a connected socket (TCP_NODELAY), read back from the kernel. */
export function tcpNoDelay(socket: Socket): boolean {
  const fd = fdOf(socket);
  if (fd < 0) throw new Error('socket has no file descriptor');
  const buf = Buffer.alloc(4);
  const len = [4];
  if (load().getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, buf, len) !== 0) throw new Error('getsockopt(TCP_NODELAY) failed');
  return buf.readInt32LE(0) !== 0;
}

const SOL_SOCKET = 1;
const SO_KEEPALIVE = 9;
const TCP_KEEPIDLE = 4;
const TCP_KEEPINTVL = 5;
const TCP_KEEPCNT = 6;

/** Envoy's core.v3.TcpKeepalive: each field undefined leaves the system's value. */
export interface TcpKeepalive {
  /** keepalive_time, seconds (TCP_KEEPIDLE). */
  readonly timeS?: number;
  /** keepalive_interval, seconds (TCP_KEEPINTVL). */
  readonly intervalS?: number;
  /** keepalive_probes (TCP_KEEPCNT). */
  readonly probes?: number;
}

function setInt(fd: number, level: number, name: number, value: number): boolean {
  const b = Buffer.alloc(4);
  b.writeInt32LE(value);
  return load().setsockopt(fd, level, name, b, 4) === 0;
}

function getInt(fd: number, level: number, name: number): number {
  const b = Buffer.alloc(4);
  if (load().getsockopt(fd, level, name, b, [4]) !== 0) throw new Error(`getsockopt(${level}, ${name}) failed on fd ${fd}`);
  return b.readInt32LE(0);
}

/**
 * Turns SO_KEEPALIVE on for a connected socket and sets the probe timing, as Envoy applies a
 * cluster's upstream_connection_options.tcp_keepalive. Returns false when the kernel refused.
 */
export function setTcpKeepalive(socket: Socket, k: TcpKeepalive): boolean {
  const fd = fdOf(socket);
  if (fd < 0) return false;
  let ok = setInt(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
  if (k.timeS !== undefined) ok = setInt(fd, IPPROTO_TCP, TCP_KEEPIDLE, k.timeS) && ok;
  if (k.intervalS !== undefined) ok = setInt(fd, IPPROTO_TCP, TCP_KEEPINTVL, k.intervalS) && ok;
  if (k.probes !== undefined) ok = setInt(fd, IPPROTO_TCP, TCP_KEEPCNT, k.probes) && ok;
  return ok;
}

/** SO_KEEPALIVE and the probe timing of a socket's file descriptor, read back from the kernel. */
export function tcpKeepaliveOf(fd: number): { readonly enabled: boolean; readonly timeS: number; readonly intervalS: number; readonly probes: number } {
  return {
    enabled: getInt(fd, SOL_SOCKET, SO_KEEPALIVE) !== 0,
    timeS: getInt(fd, IPPROTO_TCP, TCP_KEEPIDLE),
    intervalS: getInt(fd, IPPROTO_TCP, TCP_KEEPINTVL),
    probes: getInt(fd, IPPROTO_TCP, TCP_KEEPCNT),
  };
}
