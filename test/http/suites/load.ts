/**
 * Many requests through the mesh with h2load: HTTP/1.1 (`--h1`) to nginx's `http` port and
 * prior-knowledge h2c (4 connections x 4 streams) to its `http2` port, every response 2xx; and a
 * slow reader (curl --limit-rate) of a large response that must not hold up anyone else on the
 * same sidecars.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { vmRssKiB, type Mesh } from '../harness.ts';

/** Far below the 64 MiB the slow reader has not read yet. */
const RSS_GROWTH_LIMIT_KIB = 48 * 1024;

function h2loadSummary(out: string): { done: number; ok: number; xx2: number; failed: number; errored: number } {
  const req = /requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(out);
  const codes = /status codes: (\d+) 2xx/.exec(out);
  assert.ok(req && codes, `h2load output:\n${out}`);
  return { done: Number(req[2]), ok: Number(req[3]), failed: Number(req[4]), errored: Number(req[5]), xx2: Number(codes[1]) };
}

export function loadSuite(mesh: () => Mesh): void {
  it('h2load --h1: 2000 requests over 4 keep-alive connections, all 2xx', async () => {
    const r = await mesh().exec('client', ['h2load', '--h1', '-n', '2000', '-c', '4', 'http://files/1k.bin']);
    assert.deepEqual(h2loadSummary(r.stdout), { done: 2000, ok: 2000, xx2: 2000, failed: 0, errored: 0 });
  });

  it('h2load h2c: 2000 requests, 4 connections x 4 concurrent streams, all 2xx', async () => {
    const r = await mesh().exec('client', ['h2load', '-n', '2000', '-c', '4', '-m', '4', 'http://files:81/1k.bin']);
    assert.match(r.stdout, /Application protocol: h2c/);
    assert.deepEqual(h2loadSummary(r.stdout), { done: 2000, ok: 2000, xx2: 2000, failed: 0, errored: 0 });
  });

  it('a slow reader of a large response stalls no one else, and the sidecars do not buffer what it has not read', async () => {
    const m = mesh();
    const rss = (): number[] => ['client', 'files'].map((p) => vmRssKiB(m.sidecarPid(p)));
    const before = rss();
    // nginx could send all 64 MiB at once: only backpressure keeps it out of the sidecars.
    const slow = m.spawnExec('client', ['curl', '-sS', '--limit-rate', '10k', '--max-time', '30', '-o', '/dev/null', '-w', '%{http_code}', 'http://files/big.bin?slow-reader']);
    let slowDone = false;
    void slow.done.then(() => (slowDone = true));
    try {
      const fast = await m.exec('client', ['h2load', '--h1', '-n', '300', '-c', '2', 'http://files/1k.bin']);
      assert.deepEqual(h2loadSummary(fast.stdout), { done: 300, ok: 300, xx2: 300, failed: 0, errored: 0 });
      const h2 = await m.exec('client', ['h2load', '-n', '300', '-c', '1', '-m', '8', 'http://files:81/1k.bin']);
      assert.equal(h2loadSummary(h2.stdout).xx2, 300);
      assert.equal(slowDone, false, 'the slow download is still running while the others finished');
      const after = rss();
      ['client', 'files'].forEach((p, i) => assert.ok((after[i] ?? 0) - (before[i] ?? 0) < RSS_GROWTH_LIMIT_KIB, `${p} sidecar RSS grew ${before[i]} -> ${after[i]} KiB during the slow read`));
    } finally {
      m.killInPod('client', 'slow-reader');
      await slow.done;
    }
  });
}
