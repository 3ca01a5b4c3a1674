/**
 * The one place the downstream HTTP protocol is chosen: the connection manager's codec_type if
 * it names one, else what the listener's http_inspector already found (h2c or http/1.x), else
 * the first bytes on the connection: the HTTP/2 connection preface means HTTP/2, anything else
 * HTTP/1.x. Peeked bytes are put back; the codec reads the connection from its first byte.
 */
import type { Socket } from 'node:net';
import type { CodecType } from './hcm-settings.ts';

export type DownstreamCodec = 'http1' | 'http2';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/** From bytes seen so far: a codec, or undefined while they could still be either. */
export function codecOfBytes(b: Buffer): DownstreamCodec | undefined {
  const n = Math.min(b.length, PREFACE.length);
  if (b.subarray(0, n).equals(PREFACE.subarray(0, n))) return n === PREFACE.length ? 'http2' : undefined;
  return 'http1';
}

function peek(socket: Socket): Promise<DownstreamCodec> {
  return new Promise((resolve) => {
    let seen: Buffer = Buffer.alloc(0);
    const done = (codec: DownstreamCodec): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.pause();
      if (seen.length > 0) socket.unshift(seen);
      resolve(codec);
    };
    const onData = (chunk: Buffer): void => {
      seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
      const codec = codecOfBytes(seen);
      if (codec) done(codec);
    };
    const onEnd = (): void => done('http1');
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.resume();
  });
}

export function chooseCodec(socket: Socket, codecType: CodecType, applicationProtocols: readonly string[]): DownstreamCodec | Promise<DownstreamCodec> {
  if (codecType === 'HTTP1') return 'http1';
  if (codecType === 'HTTP2') return 'http2';
  if (applicationProtocols.includes('h2c') || applicationProtocols.includes('h2')) return 'http2';
  if (applicationProtocols.some((p) => p.startsWith('http/1'))) return 'http1';
  return peek(socket);
}
