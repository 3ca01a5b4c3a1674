/**
 * Delegate VirtualServices on real traffic through the client's sidecar (test/e2e/l4-routes
 * mesh, scenario delegate.yaml): the root VirtualService for echo delegates /team to a delegate
 * in another namespace and /local (or header x-local) to one in its own; the delegates' matches
 * are ANDed with the root's (a delegate match outside the root's prefix is dropped), their
 * policies (response headers) apply, a missing delegate drops only its rule, and a delegate not
 * exported to the root's namespace is ignored; a root bound to the ingress gateway delegates
 * alike (curl from the host). Which backend and which rule answered is read from the body
 * (echo v1 / v2) and the x-route response header.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLIENT_A, CLIENT_OTHER, ECHO, FIXTURE, L4Mesh } from './l4-routes-mesh.ts';

const scenario = (name: string): string => join(FIXTURE, 'scenarios', `${name}.yaml`);
const mesh = new L4Mesh();

/** GET http://echo<path> from client.l4: the version that answered and the x-route header ('' when absent). */
async function get(path: string, headers: readonly string[] = []): Promise<{ version: string; route: string }> {
  const r = await mesh.curl(CLIENT_A, `http://echo${path}`, [...headers.flatMap((h) => ['-H', h]), '-D', '-']);
  assert.equal(r.status, 200, r.body);
  const version = /echo (v\d) echo /.exec(r.body)?.[1] ?? '';
  const route = /^x-route: (\S+)\r?$/im.exec(r.body)?.[1] ?? '';
  assert.ok(version, r.body);
  return { version, route };
}

before(async () => {
  await mesh.up();
  await mesh.apply(scenario('subsets'));
  await mesh.apply(scenario('delegate'), { TEAM_EXPORT: '*' });
  await mesh.untilConfig(CLIENT_A, 'route', (j) => j.includes('team-v2') && j.includes('local-v2'), 'the merged delegate routes');
});

after(async () => {
  await mesh.down();
});

describe('delegate VirtualServices at the sidecar', () => {
  it('a delegate in another namespace: its rules under the root prefix, its response headers', async () => {
    assert.deepEqual(await get('/team/v2/x'), { version: 'v2', route: 'team-v2' });
    assert.deepEqual(await get('/team/anything'), { version: 'v1', route: 'team-default' });
    await mesh.logLine(CLIENT_A, new RegExp(`"GET /team/v2/x HTTP/1\\.1" 200 .* outbound\\|80\\|v2\\|${ECHO.replaceAll('.', '\\.')} `));
  });

  it('a delegate match outside the root match is dropped (not a subset): /other stays with the root default', async () => {
    assert.deepEqual(await get('/other'), { version: 'v1', route: '' });
    assert.deepEqual(await get('/team/other'), { version: 'v1', route: 'team-default' });
  });

  it('a delegate in the root namespace: its header match ANDed with each of the root matches', async () => {
    assert.deepEqual(await get('/local/a', ['x-pick: v2']), { version: 'v2', route: 'local-v2' });
    assert.deepEqual(await get('/elsewhere', ['x-local: yes', 'x-pick: v2']), { version: 'v2', route: 'local-v2' });
    assert.deepEqual(await get('/local/a'), { version: 'v1', route: 'local-default' });
    assert.deepEqual(await get('/elsewhere', ['x-pick: v2']), { version: 'v1', route: '' }, 'x-pick alone matches no root match');
  });

  it('a missing delegate drops only its rule', async () => {
    assert.deepEqual(await get('/missing/x'), { version: 'v1', route: '' });
    const routes = await mesh.must(['proxy-config', 'route', 'client.l4', '--name', '80', '-o', 'json']);
    assert.ok(!routes.includes('/missing'), 'no route for the missing delegate');
  });

  it('the same root and delegates apply to a client in another namespace (the root is exported everywhere)', async () => {
    const r = await mesh.curl(CLIENT_OTHER, 'http://echo.l4.svc.cluster.local/team/v2/y', ['-D', '-']);
    assert.equal(r.status, 200);
    assert.match(r.body, /x-route: team-v2/i);
    assert.match(r.body, /echo v2 /);
  });

  it('through the ingress gateway: a root bound to a Gateway delegates the same way', async () => {
    await mesh.apply(scenario('delegate-gateway'));
    assert.match(mesh.gatewayUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    const viaGateway = (path: string): string => {
      try {
        return execFileSync('curl', ['-sS', '--max-time', '5', '-D', '-', '-H', 'Host: echo.l4.test', `${mesh.gatewayUrl}${path}`], { encoding: 'utf8' });
      } catch {
        return '';
      }
    };
    let reply = '';
    for (let i = 0; i < 60 && !/x-route: team-v2/i.test(reply); i++) {
      reply = viaGateway('/team/v2/gw');
      if (!/x-route: team-v2/i.test(reply)) await new Promise((r) => setTimeout(r, 500));
    }
    assert.match(reply, /^HTTP\/1\.1 200/);
    assert.match(reply, /x-route: team-v2/i);
    assert.match(reply, /echo v2 echo\.l4\.test \/team\/v2\/gw/);
    const rest = viaGateway('/elsewhere');
    assert.match(rest, /echo v1 echo\.l4\.test \/elsewhere/);
    assert.doesNotMatch(rest, /x-route/i);
  });

  it('a delegate not exported to the root\'s namespace is ignored: /team falls to the root default', async () => {
    await mesh.apply(scenario('delegate'), { TEAM_EXPORT: '.' });
    await mesh.untilConfig(CLIENT_A, 'route', (j) => !j.includes('team-v2') && j.includes('local-v2'), 'the routes without team-routes');
    assert.deepEqual(await get('/team/v2/x'), { version: 'v1', route: '' });
    assert.deepEqual(await get('/local/a', ['x-pick: v2']), { version: 'v2', route: 'local-v2' });
  });
});
