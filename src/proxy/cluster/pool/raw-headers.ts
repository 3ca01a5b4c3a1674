/**
 * HTTP/1.x header lines as the parser hands them over (a flat [name, value, ...] array, names
 * as sent) -> a HeaderMap with lower-case names, and a request head serialized for the wire.
 * Repeated names follow node:http's rules, which the rest of the proxy was written against:
 * set-cookie stays a list, cookie joins with "; ", single-valued fields keep their first value,
 * others join with ", ".
 */
import type { HeaderMap } from '../../core/http-stream-info.ts';

const SINGLE = new Set(['content-type', 'content-length', 'user-agent', 'referer', 'host', 'authorization', 'proxy-authorization',
  'if-modified-since', 'if-unmodified-since', 'from', 'location', 'max-forwards', 'retry-after', 'etag', 'last-modified', 'server', 'age', 'expires']);

function addRepeated(h: HeaderMap, name: string, value: string): void {
  const have = h[name];
  if (have === undefined) h[name] = value;
  else if (name === 'set-cookie') h[name] = Array.isArray(have) ? [...have, value] : [have, value];
  else if (name === 'cookie') h[name] = `${String(have)}; ${value}`;
  else if (!SINGLE.has(name)) h[name] = `${Array.isArray(have) ? have.join(', ') : have}, ${value}`;
}

/** `raw` (name, value pairs) -> HeaderMap, without the header named `skip` (lower case). */
export function headerMapOf(raw: readonly string[], skip?: string): HeaderMap {
  const h: HeaderMap = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (name === skip) continue;
    const value = raw[i + 1] as string;
    if (h[name] === undefined) h[name] = value;
    else addRepeated(h, name, value);
  }
  return h;
}

/** Methods whose requests carry no body by convention: no `content-length: 0` when they have none. */
const BODYLESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

/** How the request body is framed on the wire. */
export type BodyFraming = 'none' | 'length' | 'chunked';

export interface RequestHeadText {
  readonly text: string;
  readonly framing: BodyFraming;
}

function unsafe(v: string): boolean {
  return v.includes('\n') || v.includes('\r') || v.includes('\0');
}

/**
 * The request line and headers of one HTTP/1.1 request, ready to write (latin1), or an Error
 * naming a header whose value would break the framing. `endStream`: no body follows.
 */
export function serializeRequestHead(method: string, path: string, authority: string, headers: HeaderMap, endStream: boolean): RequestHeadText | Error {
  let text = `${method} ${path} HTTP/1.1\r\nhost: ${authority}\r\n`;
  let length = false;
  for (const k in headers) {
    const v = headers[k];
    if (v === undefined || k === 'host') continue;
    if (typeof v === 'string') {
      if (unsafe(v)) return new Error(`invalid value for header ${k}`);
      text += `${k}: ${v}\r\n`;
    } else {
      for (const one of v) {
        if (unsafe(one)) return new Error(`invalid value for header ${k}`);
        text += `${k}: ${one}\r\n`;
      }
    }
    if (k === 'content-length') length = true;
  }
  if (unsafe(path) || unsafe(authority)) return new Error('invalid request path or authority');
  let framing: BodyFraming = length ? 'length' : 'none';
  if (!length) {
    if (!endStream) {
      text += 'transfer-encoding: chunked\r\n';
      framing = 'chunked';
    } else if (!BODYLESS.has(method)) {
      text += 'content-length: 0\r\n';
    }
  }
  return { text: `${text}\r\n`, framing };
}

/** Trailers as the last chunk of a chunked body: `0`, the fields, the blank line. */
export function lastChunk(trailers: HeaderMap | undefined): string {
  let text = '0\r\n';
  if (trailers) {
    for (const k in trailers) {
      const v = trailers[k];
      if (v === undefined) continue;
      for (const one of typeof v === 'string' ? [v] : v) if (!unsafe(one)) text += `${k}: ${one}\r\n`;
    }
  }
  return `${text}\r\n`;
}
