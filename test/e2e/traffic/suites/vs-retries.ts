/**
 * VirtualService retries (scenarios/retries.yaml): attempts, perTryTimeout and each retryOn
 * condition, shown by x-envoy-attempt-count at the app, the access log and upstream_rq_retry.
 * The failures are the app's (x-fail): status codes, a closed connection, a refused HTTP/2
 * stream (bare, without sidecar, so the client's sidecar meets them), and a closed port.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Answer, TrafficMesh } from '../mesh-driver.ts';
import { CLIENT, get } from '../requests.ts';

export function retriesSuite(mesh: TrafficMesh): void {
  before(async () => {
    await mesh.apply('retries');
    await mesh.untilConfig(CLIENT, 'route', (j) => j.includes('"retriableStatusCodes"') && j.includes('refused-stream') && j.includes('connect-failure'), 'the retry policies');
  });
  const fail = (key: string, n: number, what: string): Record<string, string> => ({ 'x-fail': `${key}-${Date.now()}:${n}:${what}` });
  const attempts = (a: Answer | undefined): string => `${a?.status} attempt ${a?.echo?.headers['x-envoy-attempt-count']}`;

  it('retryOn 5xx, gateway-error, retriable-4xx and retriable-status-codes: retried answers succeed on the last attempt; other codes come back', async () => {
    const a = await mesh.send([
      get('/retry-5xx', fail('a', 2, '500')), get('/retry-gateway-error', fail('b', 2, '502')), get('/retry-gateway-error', fail('c', 1, '500')),
      get('/retry-4xx', fail('d', 1, '409')), get('/retry-4xx', fail('e', 1, '404')), get('/retry-codes', fail('f', 2, '418')),
      get('/no-retry', fail('g', 1, '503')),
    ]);
    assert.deepEqual(a.map(attempts), ['200 attempt 3', '200 attempt 3', '500 attempt 1', '200 attempt 2', '404 attempt 1', '200 attempt 3', '503 attempt 1']);
  });

  it('perTryTimeout: a slow first try is abandoned after 0.5 s and the second answers', async () => {
    const a = await mesh.one(get('/retry-per-try', fail('h', 1, 'd3000')));
    assert.equal(attempts(a), '200 attempt 2');
    assert.equal(a.echo?.delayed, undefined);
  });

  it('retryOn reset: a connection closed before the answer is retried; without it the client gets 503 UC', async () => {
    const [retried, not] = await mesh.send([get('/retry-reset', fail('i', 1, 'reset'), 'http://bare:8080'), get('/no-retry-reset', fail('j', 1, 'reset'), 'http://bare:8080')]);
    assert.equal(attempts(retried), '200 attempt 2');
    assert.equal(not?.status, 503);
    await mesh.logLine(CLIENT, /"GET \/no-retry-reset HTTP\/1\.1" 503 UC /);
  });

  it('retryOn refused-stream: an HTTP/2 stream the server refuses is retried', async () => {
    const [retried, not] = await mesh.send([get('/retry-refused', fail('k', 1, 'refuse'), 'http://bare:8081'), get('/no-retry-refused', fail('l', 1, 'refuse'), 'http://bare:8081')]);
    assert.equal(attempts(retried), '200 attempt 2');
    assert.equal(retried?.echo?.protocol, '2.0');
    assert.equal(not?.status, 503);
  });

  it('retryOn connect-failure: a refused connection is tried three more times (URX), counted in upstream_rq_retry', async () => {
    const cluster = 'cluster.outbound|8099||bare.traffic.svc.cluster.local';
    const before = mesh.stat(await mesh.stats(CLIENT), `${cluster}.upstream_rq_retry`);
    const a = await mesh.one(get('/closed', {}, 'http://bare:8099'));
    assert.equal(a.status, 503);
    await mesh.logLine(CLIENT, /"GET \/closed HTTP\/1\.1" 503 UF,URX /);
    assert.equal(mesh.stat(await mesh.stats(CLIENT), `${cluster}.upstream_rq_retry`) - before, 3);
  });
}
