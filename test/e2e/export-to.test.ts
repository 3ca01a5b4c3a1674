/**
 * exportTo on real traffic (test/e2e/l4-routes mesh: echo in l4, a client in l4 and one in l4b):
 * - VirtualService exported to `.` routes only the l4 client's calls (all to v2); the l4b client
 *   keeps the default route to both versions; exported to `l4b`, the reverse;
 * - DestinationRule exported to `.`: its subset clusters exist only in l4's proxies, so a route
 *   from l4b to subset v2 has no cluster (503 NC); exported to `*`, the same route reaches v2;
 * - ServiceEntry exported to `.` under REGISTRY_ONLY: l4 reaches ext.l4.test, l4b is refused;
 *   exported to `~`, no namespace sees it, l4 included; a Kubernetes Service with the annotation
 *   networking.istio.io/exportTo: "." likewise (reachable from l4, block_all from l4b).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLIENT_A, CLIENT_OTHER, countOf, ECHO, FIXTURE, L4Mesh, type Pod } from './l4-routes-mesh.ts';

const scenario = (name: string): string => join(FIXTURE, 'scenarios', `${name}.yaml`);
const mesh = new L4Mesh();
const V2 = `outbound|80|v2|${ECHO}`;

/** The versions that answered `n` GETs of http://echo.l4.svc.cluster.local/ from `pod`. */
async function versions(pod: Pod, n: number): Promise<string[]> {
  const replies = await mesh.curlMany(pod, `http://${ECHO}/export`, n);
  for (const r of replies) assert.equal(r.status, 200, r.body);
  return replies.map((r) => r.body);
}

before(async () => {
  await mesh.up();
});

after(async () => {
  await mesh.down();
});

describe('exportTo', () => {
  it('VirtualService exportTo ".": applies to the client in its namespace only; exportTo l4b: to the other only', async () => {
    await mesh.apply(scenario('subsets'));
    await mesh.apply(scenario('export-vs'), { EXPORT: '.' });
    await mesh.untilConfig(CLIENT_A, 'route', (j) => j.includes(V2), 'the VirtualService');
    const own = await versions(CLIENT_A, 8);
    assert.equal(countOf(own, 'echo v2'), 8, own.join(''));
    const other = await versions(CLIENT_OTHER, 16);
    assert.ok(countOf(other, 'echo v1') > 0 && countOf(other, 'echo v2') > 0, `l4b keeps the default route: ${other.join('')}`);
    assert.ok(!(await mesh.must(['proxy-config', 'route', 'client.l4b', '-o', 'json'])).includes(V2));

    await mesh.apply(scenario('export-vs'), { EXPORT: 'l4b' });
    await mesh.untilConfig(CLIENT_OTHER, 'route', (j) => j.includes(V2), 'the VirtualService exported to l4b');
    await mesh.untilConfig(CLIENT_A, 'route', (j) => !j.includes(V2), 'the VirtualService leaving l4');
    assert.equal(countOf(await versions(CLIENT_OTHER, 8), 'echo v2'), 8);
    const back = await versions(CLIENT_A, 16);
    assert.ok(countOf(back, 'echo v1') > 0, back.join(''));
    await mesh.delete(scenario('export-vs'), { EXPORT: 'l4b' });
    await mesh.delete(scenario('subsets'));
  });

  it('DestinationRule exportTo ".": l4b has no subset clusters and its route to v2 fails (503 NC); exportTo "*": it reaches v2', async () => {
    await mesh.apply(scenario('export-dr'), { EXPORT: '.' });
    await mesh.untilConfig(CLIENT_A, 'cluster', (j) => j.includes(V2), 'the subset clusters');
    await mesh.untilConfig(CLIENT_OTHER, 'route', (j) => j.includes(V2), 'the l4b VirtualService');
    assert.ok(!(await mesh.must(['proxy-config', 'cluster', 'client.l4b', '-o', 'json'])).includes(V2), 'no subset cluster in l4b');
    const r = await mesh.curl(CLIENT_OTHER, `http://${ECHO}/no-subset`);
    assert.equal(r.status, 503, r.body);
    await mesh.logLine(CLIENT_OTHER, /"GET \/no-subset HTTP\/1\.1" 503 NC /);

    await mesh.apply(scenario('export-dr'), { EXPORT: '*' });
    await mesh.untilConfig(CLIENT_OTHER, 'cluster', (j) => j.includes(V2), 'the subset clusters in l4b');
    assert.equal(countOf(await versions(CLIENT_OTHER, 6), 'echo v2'), 6);
    await mesh.delete(scenario('export-dr'), { EXPORT: '*' });
  });

  it('ServiceEntry exportTo "." under REGISTRY_ONLY: reachable from its namespace, refused elsewhere; "~": refused everywhere', async () => {
    const v1 = await mesh.podIp('echo-v1', 'l4');
    await mesh.apply(scenario('export-se'), { EXPORT: '.', V1_IP: v1 });
    await mesh.untilConfig(CLIENT_A, 'cluster', (j) => j.includes('outbound|8080||ext.l4.test'), 'the ServiceEntry');
    await mesh.untilConfig(CLIENT_OTHER, 'listener', (j) => j.includes('BlackHoleCluster'), 'REGISTRY_ONLY');
    const call = (pod: Pod) => mesh.curl(pod, 'http://ext.l4.test:8080/se', ['--connect-to', `ext.l4.test:8080:${v1}:8080`]);
    const own = await call(CLIENT_A);
    assert.equal(own.status, 200, own.body);
    assert.equal(own.body, 'echo v1 ext.l4.test:8080 /se\n');
    await mesh.logLine(CLIENT_A, /"GET \/se HTTP\/1\.1" 200 .* outbound\|8080\|\|ext\.l4\.test /);
    assert.ok(!(await mesh.must(['proxy-config', 'cluster', 'client.l4b', '-o', 'json'])).includes('ext.l4.test'));
    assert.notEqual((await call(CLIENT_OTHER)).status, 200, 'l4b does not see the entry');
    await mesh.logLine(CLIENT_OTHER, /BlackHoleCluster|block_all/);

    // The Service annotation networking.istio.io/exportTo: "." (private, in l4) scopes the same way.
    const priv = (pod: Pod) => mesh.curl(pod, 'http://private.l4.svc.cluster.local/annotated');
    assert.match((await priv(CLIENT_A)).body, /^echo v[12] private\.l4\.svc\.cluster\.local \/annotated\n$/);
    assert.ok((await mesh.must(['proxy-config', 'cluster', 'client.l4', '-o', 'json'])).includes('outbound|80||private.l4.svc.cluster.local'));
    assert.ok(!(await mesh.must(['proxy-config', 'cluster', 'client.l4b', '-o', 'json'])).includes('private.l4'));
    const refused = await priv(CLIENT_OTHER);
    assert.equal(refused.status, 502, refused.body);
    await mesh.logLine(CLIENT_OTHER, /"GET \/annotated HTTP\/1\.1" 502 .* block_all/);

    await mesh.apply(scenario('export-se'), { EXPORT: '~', V1_IP: v1 });
    await mesh.untilConfig(CLIENT_A, 'cluster', (j) => !j.includes('ext.l4.test'), 'a config without the entry');
    assert.notEqual((await call(CLIENT_A)).status, 200, 'exportTo ~: not even its own namespace');
  });
});
