/**
 * tls_inspector as a pure parser over real ClientHellos from node:tls: SNI and ALPN, records
 * split across reads (every prefix needs more, never a wrong answer), a ClientHello fragmented
 * over several records, early "not TLS"; and a fuzz-ish corpus of truncations and mutations
 * that must never throw.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { inspectTls, type TlsInspection } from '../../../src/proxy/listener/filters/tls-inspector.ts';
import { clientHello } from './capture.ts';

const done = (r: 'need-more' | TlsInspection): TlsInspection => {
  assert.notEqual(r, 'need-more');
  return r as TlsInspection;
};

/** Re-frames one handshake record's payload into records of at most `size` bytes. */
function fragment(record: Buffer, size: number): Buffer {
  const payload = record.subarray(5, 5 + record.readUInt16BE(3));
  const out: Buffer[] = [];
  for (let i = 0; i < payload.length; i += size) {
    const part = payload.subarray(i, i + size);
    const header = Buffer.from([0x16, 0x03, 0x01, 0, 0]);
    header.writeUInt16BE(part.length, 3);
    out.push(header, part);
  }
  return Buffer.concat(out);
}

describe('tls_inspector', () => {
  let withBoth: Buffer;
  let plain: Buffer;
  before(async () => {
    withBoth = await clientHello('Api.Example.COM', ['h2', 'http/1.1']);
    plain = await clientHello(undefined, undefined);
  });

  it('reads SNI (lower-cased) and ALPN in the client\'s order from a real ClientHello', () => {
    assert.deepEqual(done(inspectTls(withBoth)), { tls: true, serverName: 'api.example.com', applicationProtocols: ['h2', 'http/1.1'] });
  });

  it('is TLS without SNI or ALPN too', () => {
    assert.deepEqual(done(inspectTls(plain)), { tls: true, serverName: '', applicationProtocols: [] });
  });

  it('needs more for every prefix of the record (records split across reads)', () => {
    for (let n = 1; n < withBoth.length; n++) assert.equal(inspectTls(withBoth.subarray(0, n)), 'need-more', `prefix ${n}`);
  });

  it('reassembles a ClientHello fragmented over several records', () => {
    const frag = fragment(withBoth, 50);
    assert.ok(frag.length > withBoth.length);
    assert.deepEqual(done(inspectTls(frag)), done(inspectTls(withBoth)));
    for (let n = 1; n < frag.length; n += 7) assert.equal(inspectTls(frag.subarray(0, n)), 'need-more');
  });

  it('decides "not TLS" at once for plaintext and for other record types', () => {
    assert.equal(done(inspectTls(Buffer.from('G'))).tls, false);
    assert.equal(done(inspectTls(Buffer.from('PRI * HTTP/2.0'))).tls, false);
    assert.equal(done(inspectTls(Buffer.from([0x17, 0x03, 0x03, 0, 5]))).tls, false, 'application data');
    assert.equal(done(inspectTls(Buffer.from([0x16, 0x02]))).tls, false, 'not version 3.x');
    const serverHello = Buffer.from(withBoth);
    serverHello[5] = 0x02;
    assert.equal(done(inspectTls(serverHello)).tls, false, 'a handshake that is not a ClientHello');
  });

  it('never throws on truncations and mutations, and never needs more past the end of a complete hello', () => {
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (const base of [withBoth, plain, fragment(withBoth, 37)]) {
      for (let i = 0; i < 3000; i++) {
        const m = Buffer.from(base.subarray(0, 1 + rnd(base.length)));
        const flips = rnd(4);
        for (let f = 0; f < flips; f++) m[rnd(m.length)] = rnd(256);
        let r: ReturnType<typeof inspectTls> | undefined;
        assert.doesNotThrow(() => {
          r = inspectTls(m);
        }, `mutation ${i}`);
        if (r !== 'need-more' && r?.tls) assert.ok(Array.isArray(r.applicationProtocols) && typeof r.serverName === 'string');
      }
    }
  });
});
