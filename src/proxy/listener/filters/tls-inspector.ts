/**
 * Envoy's envoy.filters.listener.tls_inspector, as a pure parser over the first bytes of a
 * connection: TLS records of type handshake carrying a ClientHello (which may be split over
 * several records, and over several reads) give transport protocol `tls`, the SNI host name
 * (server_name extension) and the ALPN protocols. A first byte that is not a handshake record,
 * or a malformed or oversized ClientHello, decides "not TLS" (raw_buffer). Never throws.
 */

export interface TlsInspection {
  /** True when the bytes are a TLS ClientHello. */
  readonly tls: boolean;
  /** The server_name extension's host_name, lower-cased; '' without SNI. */
  readonly serverName: string;
  /** The application_layer_protocol_negotiation extension's protocols, in the client's order. */
  readonly applicationProtocols: readonly string[];
}

/** Envoy's default max_client_hello_size. */
export const TLS_MAX_CLIENT_HELLO = 64 * 1024;

const RECORD_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 0x01;
const EXT_SERVER_NAME = 0x0000;
const EXT_ALPN = 0x0010;
const MAX_RECORD = 16384 + 2048;

export const NOT_TLS: TlsInspection = Object.freeze({ tls: false, serverName: '', applicationProtocols: Object.freeze([]) as readonly string[] });

class Malformed extends Error {}

/** A bounds-checked reader over a ClientHello body; any overrun is Malformed. */
class Reader {
  private pos = 0;
  private readonly buf: Buffer;

  constructor(buf: Buffer) {
    this.buf = buf;
  }

  get left(): number {
    return this.buf.length - this.pos;
  }

  bytes(n: number): Buffer {
    if (n > this.left) throw new Malformed();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  u8(): number {
    return this.bytes(1)[0] as number;
  }

  u16(): number {
    return this.bytes(2).readUInt16BE(0);
  }

  /** A vector with a 1- or 2-byte length prefix. */
  vector(lenBytes: 1 | 2): Reader {
    return new Reader(this.bytes(lenBytes === 1 ? this.u8() : this.u16()));
  }
}

/** The handshake bytes the records at the start of `buf` carry so far; undefined when they are not TLS handshake records. */
function handshakeBytes(buf: Buffer): { readonly data: Buffer } | undefined {
  const parts: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (buf[pos] !== RECORD_HANDSHAKE) return undefined;
    if (pos + 1 < buf.length && buf[pos + 1] !== 0x03) return undefined;
    if (pos + 5 > buf.length) return { data: Buffer.concat(parts) };
    const len = buf.readUInt16BE(pos + 3);
    if (len === 0 || len > MAX_RECORD) return undefined;
    if (pos + 5 + len > buf.length) {
      parts.push(buf.subarray(pos + 5));
      return { data: Buffer.concat(parts) };
    }
    parts.push(buf.subarray(pos + 5, pos + 5 + len));
    pos += 5 + len;
  }
  return { data: Buffer.concat(parts) };
}

function serverName(ext: Reader): string {
  const list = ext.vector(2);
  while (list.left > 0) {
    const type = list.u8();
    const name = list.vector(2);
    if (type === 0) return name.bytes(name.left).toString('latin1').toLowerCase();
  }
  return '';
}

function alpn(ext: Reader): string[] {
  const list = ext.vector(2);
  const out: string[] = [];
  while (list.left > 0) {
    const p = list.vector(1);
    if (p.left === 0) throw new Malformed();
    out.push(p.bytes(p.left).toString('latin1'));
  }
  return out;
}

function parseClientHello(body: Buffer): TlsInspection {
  const r = new Reader(body);
  r.bytes(2); // legacy_version
  r.bytes(32); // random
  const session = r.vector(1);
  if (session.left > 32) throw new Malformed();
  const suites = r.vector(2);
  if (suites.left === 0 || suites.left % 2 !== 0) throw new Malformed();
  if (r.vector(1).left === 0) throw new Malformed(); // compression methods
  let sni = '';
  let protocols: string[] = [];
  if (r.left > 0) {
    const exts = r.vector(2);
    while (exts.left > 0) {
      const type = exts.u16();
      const ext = exts.vector(2);
      if (type === EXT_SERVER_NAME) sni = serverName(ext);
      else if (type === EXT_ALPN) protocols = alpn(ext);
    }
  }
  return Object.freeze({ tls: true, serverName: sni, applicationProtocols: Object.freeze(protocols) });
}

/** What the bytes seen so far say: 'need-more' until the whole ClientHello is there. */
export function inspectTls(buf: Buffer): 'need-more' | TlsInspection {
  if (buf.length === 0) return 'need-more';
  if (buf.length > 2 * TLS_MAX_CLIENT_HELLO) return NOT_TLS; // tiny records cannot stall inspection either
  const hs = handshakeBytes(buf);
  if (!hs) return NOT_TLS;
  if (hs.data.length === 0) return 'need-more';
  if (hs.data[0] !== HANDSHAKE_CLIENT_HELLO) return NOT_TLS;
  if (hs.data.length < 4) return 'need-more';
  const len = hs.data.readUIntBE(1, 3);
  if (len < 38 || len > TLS_MAX_CLIENT_HELLO) return NOT_TLS;
  if (hs.data.length < 4 + len) return 'need-more';
  try {
    return parseClientHello(hs.data.subarray(4, 4 + len));
  } catch (err) {
    if (err instanceof Malformed) return NOT_TLS;
    throw err;
  }
}
