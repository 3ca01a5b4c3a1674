/**
 * A downstream socket taken over for reads into a buffer of our own: net.Server hands accepted
 * sockets in stream mode, and only a socket created with `onread` reads into a given buffer. So
 * the connection's file descriptor is duplicated (F_DUPFD_CLOEXEC) and wrapped in a new
 * net.Socket with `onread`, created paused; the accepted socket then closes its own descriptor
 * (the connection stays open on the duplicate). Bytes an inspector already read and put back are
 * handed over, and the accepted socket's byte counts are kept as offsets. Sockets without a
 * descriptor of their own (TLS-terminated) are not adopted.
 */
import { closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { fdOf } from '../../core/socket-options.ts';
import type { OnRead } from './pump.ts';

const F_DUPFD_CLOEXEC = 1030;

type Fcntl = (fd: number, cmd: number, ...rest: unknown[]) => number;
let fcntl: Fcntl | null | undefined;

function loadFcntl(): Fcntl | null {
  if (fcntl !== undefined) return fcntl;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as { load(name: string): { func(sig: string): Fcntl } };
    fcntl = koffi.load('libc.so.6').func('int fcntl(int fd, int cmd, ...)');
  } catch {
    fcntl = null;
  }
  return fcntl;
}

export interface Adopted {
  readonly socket: Socket;
  /** Bytes the accepted socket had read but nobody consumed (put back by an inspector). */
  readonly pending: readonly Buffer[];
  /** What the accepted socket had read and written before (added to the new socket's counts). */
  readonly bytesRead: number;
  readonly bytesWritten: number;
}

/** The new socket (paused, reading through `onread`), or undefined when `socket` cannot be adopted. */
export function adoptSocket(socket: Socket, onread: OnRead): Adopted | undefined {
  if (socket.constructor !== Socket || socket.destroyed || socket.connecting) return undefined;
  const fd = fdOf(socket);
  const f = fd < 0 ? null : loadFcntl();
  if (!f) return undefined;
  let dup = -1;
  try {
    dup = f(fd, F_DUPFD_CLOEXEC, 'int', 0);
  } catch {
    // the stream way then
  }
  if (dup < 0) return undefined;
  let adopted: Socket;
  try {
    adopted = new Socket({ fd: dup, allowHalfOpen: true, readable: true, writable: true, pauseOnCreate: true, onread } as ConstructorParameters<typeof Socket>[0]);
  } catch {
    closeSync(dup);
    return undefined;
  }
  const pending: Buffer[] = [];
  for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read() as Buffer | null) pending.push(chunk);
  const out: Adopted = { socket: adopted, pending, bytesRead: socket.bytesRead, bytesWritten: socket.bytesWritten };
  socket.on('error', () => {});
  socket.destroy();
  return out;
}
