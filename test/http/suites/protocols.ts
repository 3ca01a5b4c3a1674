/**
 * Protocol selection as the sidecars make it: HTTP on an undeclared port is found by sniffing
 * (and proxied at L7: the app sees Envoy's headers), a server-first TCP service on a port named
 * `mysql` gets its banner to the client at once (no detection wait), and the same service on an
 * undeclared port still works: the sniffers give up after the detection timeout and proxy TCP.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { APPS, NODE, type Mesh } from '../harness.ts';

interface Banner { banner: string | null; bannerMs?: number; echo?: string; waitedMs?: number }

export function protocolsSuite(mesh: () => Mesh): void {
  const banner = async (port: number, waitMs: number): Promise<Banner> =>
    JSON.parse((await mesh().exec('client', [NODE, join(APPS, 'client.ts'), 'banner', 'backend', String(port), String(waitMs)])).stdout) as Banner;

  it('HTTP on an undeclared port is sniffed and proxied as HTTP', async () => {
    const r = JSON.parse((await mesh().exec('client', ['curl', '-sS', '--max-time', '10', 'http://backend:8000/headers'])).stdout) as { peer: string; headers: Record<string, string> };
    assert.equal(r.peer, '127.0.0.6');
    assert.match(r.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(r.headers['x-envoy-attempt-count'], '1');
  });

  it('a server-first service on a `mysql` port: the banner arrives without any detection delay', async () => {
    // 900 ms is below the 1 s detection timeout: a sniffing listener could not answer in time.
    const r = await banner(3306, 900);
    assert.equal(r.banner, 'BANNER mysql ready', JSON.stringify(r));
    assert.equal(r.echo, 'echo ping');
  });

  it('a server-first service on an undeclared port: the banner arrives once sniffing times out', async (t) => {
    const r = await banner(7000, 8000);
    assert.equal(r.banner, 'BANNER chat ready', JSON.stringify(r));
    assert.equal(r.echo, 'echo ping');
    t.diagnostic(`banner after ${r.bannerMs} ms (each sidecar waits up to the 1 s detection timeout)`);
  });
}
