/**
 * VirtualService route actions (scenarios/routing.yaml): weights between subsets, redirect,
 * rewrite (uri, authority, uriRegexRewrite), corsPolicy, mirror and mirrors with a percentage
 * (counted at the mirror's app), and faults with a percentage (delay, abort httpStatus and
 * grpcStatus).
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Exchange, TrafficMesh } from '../mesh-driver.ts';
import { CLIENT, SERVER, count, get } from '../requests.ts';

export function routingSuite(mesh: TrafficMesh): void {
  before(async () => {
    await mesh.apply('routing');
    await mesh.untilConfig(CLIENT, 'route', (j) => j.includes('"name":"mirrors"') && j.includes('"weight":70'), 'the routing actions');
  });

  it('weights: 70/30 between the subsets over 100 requests, within 15 points', async () => {
    const a = await mesh.send(Array.from({ length: 100 }, () => get('/weights')));
    const v = count(a.map((x) => x.echo?.version));
    const v1 = v.get('v1') ?? 0;
    assert.equal(v1 + (v.get('v2') ?? 0), 100, JSON.stringify([...v]));
    assert.ok(v1 >= 55 && v1 <= 85, `v1 got ${v1} of 100`);
  });

  it('route destination host and port: a request for server:8080 answered by another service, or by server\'s port 9090', async () => {
    const [bare, alt] = await mesh.send([get('/to-bare'), get('/to-alt-port')]);
    assert.equal(bare?.echo?.version, 'bare');
    assert.equal(bare?.echo?.headers['host'], 'server:8080', 'the Host is kept');
    assert.deepEqual([alt?.echo?.version, alt?.echo?.port], ['v2', 9090]);
  });

  it('redirect: uri with redirectCode, authority, port and scheme', async () => {
    const [uri, auth] = await mesh.send([get('/redirect-uri?a=1'), get('/redirect-authority/x')]);
    assert.equal(uri?.status, 308);
    assert.equal(uri?.headers['location'], 'http://server:8080/moved?a=1');
    assert.equal(auth?.status, 301);
    assert.equal(auth?.headers['location'], 'https://elsewhere.test:8443/redirect-authority/x');
  });

  it('rewrite: uri and authority, and uriRegexRewrite', async () => {
    const [rw, rx] = await mesh.send([get('/rewrite/a?b=1'), get('/rx/abc/42')]);
    assert.equal(rw?.echo?.path, '/rewritten/a?b=1');
    assert.equal(rw?.echo?.headers['host'], 'rewritten.test');
    assert.equal(rx?.echo?.path, '/42/abc');
  });

  it('corsPolicy: preflight and actual requests from allowed and other origins', async () => {
    const pre = (origin: string): Exchange => ({ url: `${SERVER}/cors`, method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-custom' } });
    const [ok, byRegex, bad, actual, actualBad] = await mesh.send([pre('https://ok.test'), pre('https://a.allowed.test'), pre('https://evil.test'),
      get('/cors', { origin: 'https://ok.test' }), get('/cors', { origin: 'https://evil.test' })]);
    assert.equal(ok?.status, 200);
    assert.equal(ok?.headers['access-control-allow-origin'], 'https://ok.test');
    assert.equal(ok?.headers['access-control-allow-methods'], 'GET,PUT');
    assert.equal(ok?.headers['access-control-allow-headers'], 'x-custom');
    assert.equal(ok?.headers['access-control-max-age'], '3600');
    assert.equal(ok?.headers['access-control-allow-credentials'], 'true');
    assert.equal(ok?.echo, undefined, 'the preflight is answered by the sidecar');
    assert.equal(byRegex?.headers['access-control-allow-origin'], 'https://a.allowed.test');
    assert.equal(bad?.headers['access-control-allow-origin'], undefined);
    assert.equal(actual?.status, 200);
    assert.equal(actual?.headers['access-control-allow-origin'], 'https://ok.test');
    assert.equal(actual?.headers['access-control-expose-headers'], 'x-app-keep');
    assert.equal(actualBad?.headers['access-control-allow-origin'], undefined);
    assert.equal(actualBad?.echo?.version, 'v1', 'a disallowed origin still reaches the app; the browser enforces CORS');
  });

  it('mirror (100%) and mirrors with a percentage: v2 sees the copies, the client only v1', async () => {
    const [v2] = mesh.podsOf('server-v2');
    assert.ok(v2);
    const all = await mesh.send(Array.from({ length: 10 }, () => get('/mirror-all')));
    assert.deepEqual([...new Set(all.map((a) => a.echo?.version))], ['v1']);
    const half = await mesh.send(Array.from({ length: 60 }, () => get('/mirrors-half')));
    assert.deepEqual([...new Set(half.map((a) => a.echo?.version))], ['v1']);
    let mirrored = 0;
    let halfMirrored = 0;
    for (let i = 0; i < 20 && (mirrored < 10 || halfMirrored === 0); i++) {
      mirrored = await mesh.seen(v2, '/mirror-all');
      halfMirrored = await mesh.seen(v2, '/mirrors-half');
    }
    assert.equal(mirrored, 10);
    assert.ok(halfMirrored >= 15 && halfMirrored <= 45, `mirrored ${halfMirrored} of 60 at 50%`);
  });
  it('fault delay and abort (httpStatus) with a percentage of 50: about half of 40 requests each; abort grpcStatus answers a gRPC call with grpc-status', async () => {
    const delayed = await mesh.send(Array.from({ length: 40 }, (_, i) => get(`/fault-delay/${i}`)));
    assert.deepEqual([...new Set(delayed.map((a) => a.status))], [200]);
    await mesh.logLine(CLIENT, /"GET \/fault-delay\/39 HTTP\/1\.1" /);
    const log = (await mesh.mustCli(['logs', 'client', '-n', 'traffic', '-c', 'istio-proxy'])).split('\n');
    const di = log.filter((l) => /"GET \/fault-delay\/\d+ HTTP\/1\.1" 200 DI /.test(l)).length;
    assert.ok(di >= 8 && di <= 32, `${di} of 40 delayed (DI) at 50%`);
    const aborted = await mesh.send(Array.from({ length: 40 }, () => get('/fault-abort')));
    const codes = count(aborted.map((a) => a.status));
    assert.equal((codes.get(418) ?? 0) + (codes.get(200) ?? 0), 40, JSON.stringify([...codes]));
    assert.ok((codes.get(418) ?? 0) >= 8 && (codes.get(418) ?? 0) <= 32, JSON.stringify([...codes]));
    const grpc = await mesh.one({ url: `${SERVER}/fault.grpc.Echo/Call`, method: 'POST', headers: { 'content-type': 'application/grpc', te: 'trailers' } });
    assert.equal(grpc.status, 200);
    assert.equal(grpc.headers['grpc-status'], '14');
    assert.equal(grpc.echo, undefined, 'answered by the sidecar');
  });
}
