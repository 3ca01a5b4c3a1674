/**
 * DestinationRule load balancing (scenarios/load-balancing.yaml): subsets of the two v1 replicas
 * with their own trafficPolicy: consistentHash by header, cookie (ttl), query parameter and
 * source IP on ringHash or maglev (one key, one pod; many keys, both), portLevelSettings,
 * ROUND_ROBIN, LEAST_REQUEST and PASSTHROUGH.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Answer, Exchange, TrafficMesh } from '../mesh-driver.ts';
import { CLIENT, SERVER, get } from '../requests.ts';

export function loadBalancingSuite(mesh: TrafficMesh): void {
  before(async () => {
    await mesh.apply('load-balancing');
    await mesh.untilConfig(CLIENT, 'cluster', (j) => j.includes('outbound|8080|by-cookie|server') && j.includes('"MAGLEV"'), 'the subsets');
    await mesh.untilConfig(CLIENT, 'route', (j) => j.includes('|by-source|'), 'the subset routes');
  });
  const pods = (a: readonly Answer[]): string[] => a.map((x) => x.echo?.pod ?? `(${x.status} ${x.body.slice(0, 100)})`);

  it('consistentHash httpHeaderName (ringHash) and portLevelSettings (maglev on 9090): one key, one pod; many keys, both pods', async () => {
    for (const base of [SERVER, 'http://server:9090']) {
      const path = base === SERVER ? '/by-header' : '/any';
      const same = pods(await mesh.send(Array.from({ length: 12 }, () => get(path, { 'x-user': 'alice' }, base))));
      assert.equal(new Set(same).size, 1, `${base}: ${same.join(' ')}`);
      const many = pods(await mesh.send(Array.from({ length: 24 }, (_, i) => get(path, { 'x-user': `user-${i}` }, base))));
      assert.equal(new Set(many).size, base === SERVER ? 2 : 3, `${base} (subset v1's two replicas; all three on 9090): ${many.join(' ')}`);
    }
    const rr = pods(await mesh.send(Array.from({ length: 6 }, () => get('/round-robin', { 'x-user': 'alice' }))));
    assert.equal(new Set(rr).size, 2, `ROUND_ROBIN ignores the header: ${rr.join(' ')}`);
  });

  it('consistentHash httpCookie with ttl (maglev): the sidecar sets the cookie, and the cookie keeps the pod', async () => {
    const first = await mesh.one(get('/by-cookie'));
    const cookie = first.headers['set-cookie'] ?? '';
    assert.match(cookie, /^sticky="?[0-9a-f]+"?; Max-Age=60; Path=\/; HttpOnly$/);
    const value = cookie.split(';')[0] ?? '';
    const same = pods(await mesh.send(Array.from({ length: 12 }, () => get('/by-cookie', { cookie: value }))));
    assert.equal(new Set(same).size, 1, same.join(' '));
    const many = pods(await mesh.send(Array.from({ length: 24 }, (_, i) => get('/by-cookie', { cookie: `sticky=${i}` }))));
    assert.equal(new Set(many).size, 2, many.join(' '));
  });

  it('consistentHash httpQueryParameterName (maglev) and useSourceIp (ringHash)', async () => {
    const same = pods(await mesh.send(Array.from({ length: 12 }, () => get('/by-query?user=bob'))));
    assert.equal(new Set(same).size, 1, same.join(' '));
    const many = pods(await mesh.send(Array.from({ length: 24 }, (_, i) => get(`/by-query?user=u${i}`))));
    assert.equal(new Set(many).size, 2, many.join(' '));
    const source = pods(await mesh.send(Array.from({ length: 12 }, (_, i) => get('/by-source', { 'x-user': `u${i}` }))));
    assert.equal(new Set(source).size, 1, `one client address, one pod: ${source.join(' ')}`);
  });

  it('LEAST_REQUEST: while one replica holds a slow request, the others go to the idle one', async () => {
    const reqs: Exchange[] = [{ ...get('/least/slow', { 'x-delay': '4000' }) }, ...Array.from({ length: 8 }, (_, i) => ({ ...get('/least/fast'), after: 1 + i * 0.1 }))];
    const [slow, ...fast] = await mesh.send(reqs, { parallel: true });
    assert.equal(slow?.status, 200);
    const busy = slow?.echo?.pod;
    assert.ok(busy);
    assert.ok(fast.every((f) => f.echo?.pod && f.echo.pod !== busy), `fast requests went to the idle replica: ${pods(fast).join(' ')} (busy ${busy})`);
  });

  it('PASSTHROUGH: the sidecar connects to the address the client dialled, not one the load balancer picks', async () => {
    const [v2] = mesh.podsOf('server-v2');
    assert.ok(v2);
    const ip = await mesh.podIp(v2);
    const direct = await mesh.send(Array.from({ length: 6 }, () => ({ url: `http://${ip}:8080/direct`, headers: { host: 'server:8080' } })));
    assert.deepEqual([...new Set(direct.map((a) => a.echo?.version))], ['v2'], pods(direct).join(' '));
  });
}
