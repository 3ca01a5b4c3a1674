/**
 * Large bodies stream through the sidecars instead of being held: a 64 MiB download (HTTP/1.1
 * and h2c) arrives byte for byte (sha256), a 64 MiB upload reaches the app intact, and an upload
 * to an app that reads slowly is held back by backpressure: neither sidecar's resident memory
 * (VmRSS of the istio-proxy process) grows by anything like the unread body. (The slow download
 * side is in load.ts.)
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { BIG_BYTES, vmRssKiB, type Mesh } from '../harness.ts';

/** A loose bound: far below the 64 MiB body, well above V8's ordinary heap drift. */
const RSS_GROWTH_LIMIT_KIB = 48 * 1024;

export function streamingSuite(mesh: () => Mesh): void {
  const rss = (pods: string[]): number[] => pods.map((p) => vmRssKiB(mesh().sidecarPid(p)));
  const big = (): string => join(mesh().dir, 'www', 'big.bin');

  it('a 64 MiB download arrives intact (HTTP/1.1 and h2c)', async (t) => {
    const before = rss(['client', 'files']);
    const h1 = (await mesh().exec('client', ['sh', '-c', 'curl -sS --max-time 60 http://files/big.bin | sha256sum'])).stdout;
    assert.equal(h1.split(' ')[0], mesh().bigSha256);
    // A fast reader keeps up, so this measures allocation churn only: reported, not asserted.
    t.diagnostic(`sidecar VmRSS (client, files) KiB: ${before.join(', ')} -> ${rss(['client', 'files']).join(', ')}`);
    const h2 = (await mesh().exec('client', ['sh', '-c', 'curl -sS --http2-prior-knowledge --max-time 60 http://files:81/big.bin | sha256sum'])).stdout;
    assert.equal(h2.split(' ')[0], mesh().bigSha256);
  });

  it('a 64 MiB upload reaches the app intact', async () => {
    const out = (await mesh().exec('client', ['curl', '-sS', '--max-time', '60', '--data-binary', `@${big()}`, 'http://backend/sha256'])).stdout;
    const r = JSON.parse(out) as { bytes: number; sha256: string };
    assert.deepEqual([r.bytes, r.sha256], [BIG_BYTES, mesh().bigSha256]);
  });

  it('an upload to an app that reads slowly is held back by backpressure, not buffered in the sidecars', async () => {
    const pods = ['client', 'backend'];
    const before = rss(pods);
    // curl could send 64 MiB in well under a second; the app takes ~1.3 MiB/s. Stopped after 4 s.
    const r = await mesh().exec('client', ['curl', '-sS', '--max-time', '4', '-o', '/dev/null', '--data-binary', `@${big()}`, 'http://backend/slow-sink'], { allowFail: true });
    assert.equal(r.code, 28, `curl should still be uploading when stopped: ${r.stderr}`);
    const after = rss(pods);
    pods.forEach((p, i) => assert.ok((after[i] ?? 0) - (before[i] ?? 0) < RSS_GROWTH_LIMIT_KIB, `${p} sidecar RSS grew ${before[i]} -> ${after[i]} KiB`));
  });
}
