/**
 * Envoy's envoy.filters.listener.http_inspector, as a pure function over the first bytes of a
 * connection: the HTTP/2 connection preface is `h2c`; an HTTP/1.x request line (a known method,
 * a request target, `HTTP/1.0` or `HTTP/1.1`, CRLF) is `http/1.0` or `http/1.1` by its version;
 * anything else has no application protocol. The answer comes as early as the bytes allow: a
 * prefix of the preface or of a request line needs more bytes, a byte that cannot be HTTP decides
 * "not HTTP" at once. Like Envoy, at most 8 KiB are inspected.
 */

export type HttpApplicationProtocol = 'h2c' | 'http/1.1' | 'http/1.0';

export interface HttpInspection {
  /** undefined: not HTTP (the connection keeps no application protocol). */
  readonly applicationProtocol: HttpApplicationProtocol | undefined;
}

export const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Envoy's http_inspector reads no more than this before giving up. */
export const HTTP_INSPECT_MAX_BYTES = 8192;

/** The methods llhttp knows (Envoy parses the request line with it). */
const METHODS: readonly string[] = [
  'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH',
  'COPY', 'LOCK', 'MKCOL', 'MOVE', 'PROPFIND', 'PROPPATCH', 'SEARCH', 'UNLOCK', 'BIND', 'REBIND', 'UNBIND', 'ACL',
  'REPORT', 'MKACTIVITY', 'CHECKOUT', 'MERGE', 'M-SEARCH', 'NOTIFY', 'SUBSCRIBE', 'UNSUBSCRIBE', 'PURGE', 'MKCALENDAR',
  'LINK', 'UNLINK', 'SOURCE', 'QUERY',
];

const NOT_HTTP: HttpInspection = Object.freeze({ applicationProtocol: undefined });
const found = (p: HttpApplicationProtocol): HttpInspection => Object.freeze({ applicationProtocol: p });

const SP = 0x20;
const CR = 0x0d;
const LF = 0x0a;
const VERSION = Buffer.from('HTTP/1.', 'latin1');

/** Whether `buf` is a prefix of (or equals) `of`. */
function isPrefix(buf: Buffer, of: Buffer): boolean {
  const n = Math.min(buf.length, of.length);
  return buf.subarray(0, n).equals(of.subarray(0, n));
}

/** The method at the start: 'need-more', the length up to its SP, or undefined when no method fits. */
function method(buf: Buffer): number | 'need-more' | undefined {
  const sp = buf.indexOf(SP);
  const token = buf.subarray(0, sp < 0 ? buf.length : sp).toString('latin1');
  if (sp >= 0) return METHODS.includes(token) ? sp : undefined;
  return METHODS.some((m) => m.startsWith(token)) ? 'need-more' : undefined;
}

/** A request-target byte: visible US-ASCII (RFC 9112's request-target has no SP or controls). */
const targetByte = (b: number): boolean => b > SP && b < 0x7f;

/**
 * What the bytes seen so far say. 'need-more' until they decide; never throws. The caller gives
 * up (no protocol) at HTTP_INSPECT_MAX_BYTES, at EOF or at its timeout.
 */
export function inspectHttp(buf: Buffer): 'need-more' | HttpInspection {
  if (buf.length === 0) return 'need-more';
  if (isPrefix(buf, HTTP2_PREFACE)) return buf.length >= HTTP2_PREFACE.length ? found('h2c') : 'need-more';
  const m = method(buf);
  if (m === undefined) return NOT_HTTP;
  if (m === 'need-more') return buf.length >= HTTP_INSPECT_MAX_BYTES ? NOT_HTTP : 'need-more';
  let i = m + 1;
  const targetStart = i;
  while (i < buf.length && targetByte(buf[i] as number)) i++;
  if (i === buf.length) return buf.length >= HTTP_INSPECT_MAX_BYTES ? NOT_HTTP : 'need-more';
  if (buf[i] !== SP || i === targetStart) return NOT_HTTP;
  i++;
  const version = buf.subarray(i, i + VERSION.length);
  if (!isPrefix(version, VERSION)) return NOT_HTTP;
  if (version.length < VERSION.length) return 'need-more';
  i += VERSION.length;
  if (i >= buf.length) return 'need-more';
  const minor = buf[i];
  if (minor !== 0x30 && minor !== 0x31) return NOT_HTTP;
  i++;
  if (i >= buf.length) return 'need-more';
  // CRLF ends the request line (llhttp also takes a bare LF).
  if (buf[i] === CR) {
    if (i + 1 >= buf.length) return 'need-more';
    if (buf[i + 1] !== LF) return NOT_HTTP;
  } else if (buf[i] !== LF) {
    return NOT_HTTP;
  }
  return found(minor === 0x30 ? 'http/1.0' : 'http/1.1');
}
