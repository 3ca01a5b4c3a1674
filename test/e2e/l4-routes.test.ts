/**
 * VirtualService `tcp` and `tls` routes at the sidecar, on real traffic in a real mesh
 * (test/e2e/l4-routes: echo v1 and v2 behind one Service with TCP 9000 and TLS 8443; clients
 * with role a and role b). Each answer names the backend that served it.
 * - TCP weighted 70/30 (tcp_proxy weighted_clusters), counted over 100 connections;
 * - TCP matches: sourceLabels (decided by istiod for this proxy), destinationSubnets (a filter
 *   chain prefix range the proxy matches against the connection's original destination);
 * - TLS by SNI, passed through (the client's TLS session ends at the app): exact sniHosts, a
 *   sourceLabels match, a MESH_EXTERNAL wildcard ServiceEntry sharing 0.0.0.0_8443 with an
 *   exact and a wildcard (`*.secure.test`) SNI rule, the latter 50/50 weighted, and an SNI
 *   rule narrowed by destinationSubnets (prefix ranges against the original destination).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLIENT_A, CLIENT_B, countOf, ECHO, FIXTURE, L4Mesh } from './l4-routes-mesh.ts';

const scenario = (name: string): string => join(FIXTURE, 'scenarios', `${name}.yaml`);
const mesh = new L4Mesh();
let vip = '';
const esc = (s: string): string => s.replace(/[.|*]/g, (c) => `\\${c}`);

before(async () => {
  await mesh.up();
  vip = await mesh.clusterIp('echo', 'l4');
  assert.match(vip, /^\d+\.\d+\.\d+\.\d+$/);
  await mesh.apply(scenario('subsets'));
  await mesh.untilConfig(CLIENT_A, 'cluster', (j) => j.includes(`outbound|9000|v2|${ECHO}`), 'the subsets');
});

after(async () => {
  await mesh.down();
});

describe('VirtualService tcp routes at the sidecar', () => {
  it('without a VirtualService, TCP reaches both versions through the service cluster', async () => {
    const answers = await mesh.tcp(CLIENT_A, vip, 9000, 20);
    assert.equal(countOf(answers, 'v1 ping') + countOf(answers, 'v2 ping'), 20, answers.join(','));
    await mesh.logLine(CLIENT_A, new RegExp(`"- - -" 0 - .* outbound\\|9000\\|\\|${esc(ECHO)} `));
  });

  it('weights 70/30: 100 connections split within tolerance, each logged with its subset cluster', async () => {
    await mesh.apply(scenario('tcp-weighted'));
    await mesh.untilConfig(CLIENT_A, 'listener', (j) => j.includes(`outbound|9000|v2|${ECHO}`), 'the weighted tcp_proxy');
    const answers = await mesh.tcp(CLIENT_A, vip, 9000, 100);
    const v1 = countOf(answers, 'v1 ping');
    const v2 = countOf(answers, 'v2 ping');
    assert.equal(v1 + v2, 100, answers.join(','));
    assert.ok(v1 >= 55 && v1 <= 85, `v1 got ${v1} of 100 (70 expected)`);
    await mesh.logLine(CLIENT_A, new RegExp(`"- - -" 0 - .* outbound\\|9000\\|v1\\|${esc(ECHO)} `));
    await mesh.logLine(CLIENT_A, new RegExp(`"- - -" 0 - .* outbound\\|9000\\|v2\\|${esc(ECHO)} `));
  });

  it('sourceLabels and destinationSubnets: role b to v2; the VIP inside the subnet to v2, outside it to v1', async () => {
    await mesh.apply(scenario('tcp-match'), { SUBNET: `${vip}/32` });
    await mesh.untilConfig(CLIENT_A, 'listener', (j) => j.includes(`"addressPrefix": "${vip}"`), 'the subnet chain');
    await mesh.untilConfig(CLIENT_B, 'listener', (j) => !j.includes(`outbound|9000|v1|${ECHO}`) && j.includes(`outbound|9000|v2|${ECHO}`), 'the sourceLabels route');
    assert.deepEqual(await mesh.tcp(CLIENT_A, vip, 9000, 10), Array(10).fill('v2 ping'), 'the VIP is in the subnet');
    assert.deepEqual(await mesh.tcp(CLIENT_B, vip, 9000, 10), Array(10).fill('v2 ping'), 'role b');
    const text = await mesh.must(['proxy-config', 'listener', 'client.l4', '--port', '9000']);
    assert.match(text, new RegExp(`${esc(vip)}\\s+9000\\s+Addr: ${esc(vip)}/32\\s+Cluster: outbound\\|9000\\|v2\\|${esc(ECHO)}`), text);
    assert.match(text, new RegExp(`${esc(vip)}\\s+9000\\s+ALL\\s+Cluster: outbound\\|9000\\|v1\\|${esc(ECHO)}`), text);

    await mesh.apply(scenario('tcp-match'), { SUBNET: '192.0.2.0/24' });
    await mesh.untilConfig(CLIENT_A, 'listener', (j) => j.includes('192.0.2.0'), 'the new subnet');
    assert.deepEqual(await mesh.tcp(CLIENT_A, vip, 9000, 10), Array(10).fill('v1 ping'), 'the VIP is outside the subnet');
    assert.deepEqual(await mesh.tcp(CLIENT_B, vip, 9000, 5), Array(5).fill('v2 ping'), 'role b still');
    await mesh.logLine(CLIENT_B, new RegExp(`"- - -" 0 - .* outbound\\|9000\\|v2\\|${esc(ECHO)} `));
  });
});

describe('VirtualService tls routes at the sidecar (SNI, passthrough)', () => {
  const EXTERNAL = '203.0.113.7';

  before(async () => {
    await mesh.apply(scenario('tls-routes'));
    await mesh.untilConfig(CLIENT_A, 'listener', (j) => j.includes('a.secure.test') && j.includes('v2.echo.test'), 'the SNI chains');
    await mesh.untilConfig(CLIENT_B, 'listener', (j) => j.includes('a.secure.test') && j.includes('v2.echo.test'), 'the SNI chains');
  });

  it('a mesh service with a VIP: SNI v2.echo.test to v2, role b to v2, the service name to v1', async () => {
    assert.deepEqual(await mesh.tls(CLIENT_A, vip, 8443, ECHO, 5), Array(5).fill(`echo v1 ${ECHO} /\n`));
    assert.deepEqual(await mesh.tls(CLIENT_A, vip, 8443, 'v2.echo.test', 5), Array(5).fill('echo v2 v2.echo.test /\n'));
    assert.deepEqual(await mesh.tls(CLIENT_B, vip, 8443, ECHO, 5), Array(5).fill(`echo v2 ${ECHO} /\n`));
    await mesh.logLine(CLIENT_A, new RegExp(`"- - -" 0 - .* outbound\\|8443\\|v2\\|${esc(ECHO)} `));
    const text = await mesh.must(['proxy-config', 'listener', 'client.l4', '--port', '8443']);
    assert.match(text, new RegExp(`${esc(vip)}\\s+8443\\s+SNI: v2\\.echo\\.test\\s+Cluster: outbound\\|8443\\|v2\\|${esc(ECHO)}`), text);
  });

  it('a wildcard MESH_EXTERNAL ServiceEntry: exact SNI a.secure.test to v1, other *.secure.test 50/50', async () => {
    assert.deepEqual(await mesh.tls(CLIENT_A, EXTERNAL, 8443, 'a.secure.test', 5), Array(5).fill('echo v1 a.secure.test /\n'));
    const split = await mesh.tls(CLIENT_A, EXTERNAL, 8443, 'b.secure.test', 60);
    const v1 = countOf(split, 'echo v1 b.secure.test');
    const v2 = countOf(split, 'echo v2 b.secure.test');
    assert.equal(v1 + v2, 60, split.join(','));
    assert.ok(v1 >= 15 && v1 <= 45, `v1 got ${v1} of 60 (30 expected)`);
    await mesh.logLine(CLIENT_A, new RegExp(`"- - -" 0 - .* outbound\\|8443\\|v2\\|${esc(ECHO)} \\S+ ${esc(EXTERNAL)}:8443 `));
    const text = await mesh.must(['proxy-config', 'listener', 'client.l4', '--port', '8443']);
    assert.match(text, /0\.0\.0\.0\s+8443\s+SNI: a\.secure\.test\s+Cluster: outbound\|8443\|v1\|/, text);
  });

  it('sniHosts with destinationSubnets: c.secure.test to v2 only when the original destination is in 198.51.100.0/24', async () => {
    assert.deepEqual(await mesh.tls(CLIENT_A, '198.51.100.7', 8443, 'c.secure.test', 3), Array(3).fill('echo v2 c.secure.test /\n'));
    assert.deepEqual(await mesh.tls(CLIENT_A, EXTERNAL, 8443, 'c.secure.test', 3), Array(3).fill('echo v1 c.secure.test /\n'));
    await mesh.logLine(CLIENT_A, new RegExp(`"- - -" 0 - .* outbound\\|8443\\|v2\\|${esc(ECHO)} \\S+ 198\\.51\\.100\\.7:8443 `));
  });
});
