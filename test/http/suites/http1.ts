/**
 * HTTP/1.1 through the mesh with curl and a raw socket (client -> its sidecar -> backend's
 * sidecar -> app): what comes back (status, body, x-envoy-upstream-service-time, Istio's
 * outbound `server: envoy`), what the app sees (x-request-id generated or kept, x-forwarded-proto,
 * x-envoy-attempt-count, b3 headers, no peer metadata, no hop-by-hop headers), keep-alive
 * reuse, chunked and 100-continue uploads, pipelining, and a response that ends before its upload.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { APPS, NODE, type Mesh } from '../harness.ts';

interface Seen { path: string; peer: string; headers: Record<string, string> }

export function http1Suite(mesh: () => Mesh): void {
  const curl = async (args: string[]): Promise<string> => (await mesh().exec('client', ['curl', '-sS', '--max-time', '10', ...args])).stdout;
  const seen = async (args: string[] = []): Promise<Seen> => JSON.parse(await curl([...args, 'http://backend/headers'])) as Seen;

  it('answers with the app status and body, x-envoy-upstream-service-time and server: envoy', async () => {
    const out = await curl(['-i', 'http://files/1k.bin']);
    const [head = '', body = ''] = out.split('\r\n\r\n');
    assert.match(head, /^HTTP\/1\.1 200 OK/);
    assert.equal(body, 'a'.repeat(1024));
    assert.match(head, /^x-envoy-upstream-service-time: \d+$/im);
    // Istio's outbound HCM overwrites `server` with Envoy's default name (the app sent nginx / backend-app).
    assert.match(head, /^server: envoy$/im);
    assert.match(await curl(['-i', 'http://backend/headers']), /^server: envoy\r$/im);
  });

  it('gives the app x-request-id (generated, or the one sent), x-forwarded-proto, attempt count and b3 headers', async () => {
    const a = await seen();
    assert.equal(a.peer, '127.0.0.6');
    assert.match(a.headers['x-request-id'] ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(a.headers['x-forwarded-proto'], 'http');
    assert.equal(a.headers['x-envoy-attempt-count'], '1');
    assert.match(a.headers['x-b3-traceid'] ?? '', /^[0-9a-f]{32}$/);
    assert.match(a.headers['x-b3-spanid'] ?? '', /^[0-9a-f]{16}$/);
    assert.match(a.headers['x-b3-parentspanid'] ?? '', /^[0-9a-f]{16}$/);
    assert.match(a.headers['x-b3-sampled'] ?? '', /^[01]$/);
    assert.notEqual(a.headers['x-b3-spanid'], a.headers['x-b3-parentspanid'], 'each sidecar makes a span');
    const b = await seen(['-H', 'x-request-id: my-own-id-1']);
    assert.equal(b.headers['x-request-id'], 'my-own-id-1');
  });

  it('strips peer metadata and hop-by-hop headers before the app', async () => {
    const s = await seen(['-H', 'Keep-Alive: timeout=5', '-H', 'Proxy-Connection: keep-alive', '-H', 'TE: trailers', '-H', 'x-custom: kept']);
    for (const h of ['x-envoy-peer-metadata', 'x-envoy-peer-metadata-id', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']) {
      assert.equal(s.headers[h], undefined, `${h} reached the app`);
    }
    assert.equal(s.headers['x-custom'], 'kept');
    assert.equal(s.headers['host'], 'backend');
  });

  it('reuses the keep-alive connection for a second request', async () => {
    const out = await curl(['-o', '/dev/null', '-o', '/dev/null', '-w', '%{http_code} %{num_connects}\n', 'http://files/1k.bin', 'http://files/1k.bin']);
    assert.deepEqual(out.trim().split('\n'), ['200 1', '200 0']);
  });

  it('streams a chunked upload and an Expect: 100-continue upload to the app intact', async () => {
    const file = join(mesh().dir, 'upload.bin');
    const data = Buffer.alloc(300_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) % 251;
    writeFileSync(file, data, { mode: 0o644 });
    const { createHash } = await import('node:crypto');
    const sha256 = createHash('sha256').update(data).digest('hex');
    const chunked = JSON.parse(await curl(['-H', 'Transfer-Encoding: chunked', '--data-binary', `@${file}`, 'http://backend/sha256'])) as Record<string, unknown>;
    assert.deepEqual([chunked['bytes'], chunked['sha256'], chunked['te']], [data.length, sha256, 'chunked']);
    const out = await curl(['-H', 'Expect: 100-continue', '--data-binary', `@${file}`, '-w', '\n%{http_code}', 'http://backend/sha256']);
    const [json = '', code] = out.split('\n');
    const cont = JSON.parse(json) as Record<string, unknown>;
    assert.equal(code, '200');
    // The client's sidecar answers 100-continue itself and does not forward Expect (Envoy's default).
    assert.deepEqual([cont['bytes'], cont['sha256'], cont['expect']], [data.length, sha256, null]);
  });

  it('answers two pipelined requests, in order', async () => {
    const r = JSON.parse((await mesh().exec('client', [NODE, join(APPS, 'client.ts'), 'pipeline', 'backend', '80'])).stdout) as { statuses: string[]; paths: string[] };
    assert.deepEqual(r, { statuses: ['200', '200'], paths: ['/headers?first', '/headers?second'] });
  });

  it('a response that ends before its upload closes the connection (Envoy resets the stream) instead of stalling', async () => {
    // The app answers GET-style without reading the 64 MiB body.
    const r = await mesh().exec('client', ['curl', '-sS', '--max-time', '20', '-o', '/dev/null', '-w', '%{http_code}', '-T', join(mesh().dir, 'www', 'big.bin'), 'http://backend/headers'], { allowFail: true });
    assert.equal(r.stdout, '200');
    assert.notEqual(r.code, 28, 'curl timed out: the proxy neither read the rest of the body nor closed');
    // And the next request still works.
    assert.equal((await seen()).peer, '127.0.0.6');
  });
}
