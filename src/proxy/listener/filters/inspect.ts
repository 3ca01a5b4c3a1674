/**
 * The listener filters that look at a connection's first bytes, run as Envoy runs them:
 * tls_inspector first (a ClientHello sets transport protocol `tls`, SNI and ALPN), then, for a
 * raw_buffer connection, http_inspector (`h2c`, `http/1.1`, `http/1.0`). Only what the listener's
 * filter chains need is inspected; with nothing needed no byte is read and nothing waits. The
 * bytes read go back in front of the stream (unshift) and the socket is left paused, so the
 * next consumer sees the connection untouched. Never rejects: on timeout, EOF, error or
 * undecidable input the answer is what is known (raw_buffer, no protocols), as Envoy's
 * continue_on_listener_filters_timeout does.
 */
import type { Socket } from 'node:net';
import { HTTP_INSPECT_MAX_BYTES, inspectHttp } from './http-inspector.ts';
import { inspectTls, TLS_MAX_CLIENT_HELLO } from './tls-inspector.ts';

export interface Inspection {
  readonly transportProtocol: 'raw_buffer' | 'tls';
  readonly applicationProtocols: readonly string[];
  readonly serverName: string;
}

export interface InspectNeeds {
  readonly tls: boolean;
  readonly http: boolean;
  /** listener_filters_timeout in ms; 0 = wait forever. */
  readonly timeoutMs: number;
}

export const NO_INSPECTION: Inspection = Object.freeze({ transportProtocol: 'raw_buffer', applicationProtocols: Object.freeze([]) as readonly string[], serverName: '' });

export const NO_NEEDS: InspectNeeds = Object.freeze({ tls: false, http: false, timeoutMs: 0 });

/** The decision for the bytes so far: an Inspection, or undefined while more bytes could change it. */
export function decide(buf: Buffer, needs: InspectNeeds): Inspection | undefined {
  if (needs.tls) {
    const tls = inspectTls(buf);
    if (tls === 'need-more') return buf.length >= 2 * TLS_MAX_CLIENT_HELLO ? NO_INSPECTION : undefined;
    if (tls.tls) return Object.freeze({ transportProtocol: 'tls', applicationProtocols: tls.applicationProtocols, serverName: tls.serverName });
  }
  if (!needs.http) return NO_INSPECTION;
  const http = inspectHttp(buf);
  if (http === 'need-more') return buf.length >= HTTP_INSPECT_MAX_BYTES ? NO_INSPECTION : undefined;
  return http.applicationProtocol ? Object.freeze({ ...NO_INSPECTION, applicationProtocols: Object.freeze([http.applicationProtocol]) }) : NO_INSPECTION;
}

/** Whether the peer's FIN has been read (readable-side EOF), before 'end' is emitted. */
const eofRead = (s: Socket): boolean => (s as unknown as { _readableState?: { ended?: boolean } })._readableState?.ended === true;

/**
 * `socket` arrives paused (net.Server pauseOnConnect). Reads just enough first bytes to decide,
 * then pauses the socket again and unshift()s every byte read.
 */
export function inspect(socket: Socket, needs: InspectNeeds): Promise<Inspection> {
  if (!needs.tls && !needs.http) return Promise.resolve(NO_INSPECTION);
  return new Promise((resolve) => {
    let seen: Buffer = Buffer.alloc(0);
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: Inspection): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      socket.off('readable', onReadable);
      socket.off('error', onEnd);
      socket.off('close', onEnd);
      socket.pause();
      // Before 'end' can be emitted (it waits a tick after EOF), so the bytes are read again first.
      if (seen.length > 0 && !socket.destroyed && !socket.readableEnded) socket.unshift(seen);
      // Removing the 'readable' listener resets flowing on the next tick; pause after it.
      process.nextTick(() => {
        if (!socket.destroyed) socket.pause();
        resolve(result);
      });
    };
    const onEnd = (): void => finish(decide(seen, needs) ?? NO_INSPECTION);
    function onReadable(): void {
      let chunk: Buffer | null;
      while (!done && (chunk = socket.read() as Buffer | null) !== null) {
        seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
        const result = decide(seen, needs);
        if (result) {
          finish(result);
          return;
        }
      }
      if (eofRead(socket)) onEnd();
    }
    socket.on('error', onEnd);
    socket.on('close', onEnd);
    if (needs.timeoutMs > 0) timer = setTimeout(onEnd, needs.timeoutMs);
    socket.on('readable', onReadable);
  });
}
