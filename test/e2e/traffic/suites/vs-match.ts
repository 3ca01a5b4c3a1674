/**
 * VirtualService HTTP match fields on requests from the client pods (scenarios/match.yaml): each
 * route names itself in the response header x-route, so the test reads which one a request took;
 * uri, ignoreUriCase, scheme, method, authority, headers, withoutHeaders, queryParams, port,
 * sourceLabels, sourceNamespace, gateways (through the ingress gateway), and request/response
 * header set/add/remove.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { TrafficMesh } from '../mesh-driver.ts';
import { CLIENT, SERVER, get, route } from '../requests.ts';

export function matchSuite(mesh: TrafficMesh): void {
  before(async () => {
    await mesh.apply('match');
    await mesh.untilConfig(CLIENT, 'route', (j) => j.includes('"mesh-only"') && j.includes('"source-labels"'), 'the match routes');
    await mesh.untilConfig('client.other', 'route', (j) => j.includes('"source-namespace"'), 'the match routes');
  });

  it('uri exact, prefix and regex, and ignoreUriCase', async () => {
    const a = await mesh.send([get('/exact'), get('/exact/more'), get('/pre/x'), get('/pre'), get('/re/123'), get('/re/12a'), get('/caseless'), get('/CASELESS')]);
    assert.deepEqual(a.map(route), ['exact', 'default', 'prefix', 'default', 'regex', 'default', 'ignore-case', 'ignore-case']);
  });

  it('scheme and method', async () => {
    const a = await mesh.send([get('/scheme'), { url: `${SERVER}/method`, method: 'POST' }, get('/method')]);
    assert.deepEqual(a.map(route), ['scheme-http', 'method', 'default']);
  });

  it('authority', async () => {
    const a = await mesh.send([get('/authority', {}, 'http://server.traffic.svc.cluster.local:8080'), get('/authority')]);
    assert.deepEqual(a.map(route), ['authority', 'default']);
  });

  it('headers exact, prefix and regex, and withoutHeaders', async () => {
    const a = await mesh.send([
      get('/headers', { 'x-exact': 'yes' }), get('/headers', { 'x-exact': 'yes!' }), get('/headers', { 'x-prefix': 'present' }),
      get('/headers', { 'x-regex': '42' }), get('/headers', { 'x-regex': '42a' }),
      get('/without'), get('/without', { 'x-skip': '0' }), get('/without', { 'x-skip': '1' }),
    ]);
    assert.deepEqual(a.map(route), ['header-exact', 'default', 'header-prefix', 'header-regex', 'default', 'without-headers', 'without-headers', 'default']);
  });

  it('queryParams and port', async () => {
    const a = await mesh.send([get('/query?q=1&r=abc'), get('/query?q=2&r=abc'), get('/query?q=1&r=ABC'), get('/port', {}, 'http://server:9090'), get('/port')]);
    assert.deepEqual(a.map(route), ['query', 'default', 'default', 'port', 'default']);
    assert.equal(a[3]?.echo?.port, 9090);
  });

  it('sourceLabels and sourceNamespace: the same request routes by who sends it', async () => {
    assert.equal(route(await mesh.one(get('/source'))), 'source-labels');
    assert.equal(route(await mesh.one(get('/source', {}, 'http://server.traffic:8080'), 'other')), 'source-namespace');
  });

  it('gateways: a route for the Gateway only is taken through the ingress gateway, the mesh route by sidecars', async () => {
    assert.equal(route(await mesh.one(get('/gw'))), 'mesh-only');
    const gw = mesh.podsOf('istio-ingressgateway')[0] ?? '';
    await mesh.untilConfig(gw, 'route', (j) => j.includes('"gateway-only"'), 'the gateway route');
    const r = mesh.viaGateway('server.traffic.test', '/gw');
    assert.equal(r.status, 200, r.body);
    assert.match(r.headers, /^x-route: gateway-only$/m);
  });

  it('headers: request set/add/remove reach the app; response set/add/remove reach the client', async () => {
    const a = await mesh.one(get('/edit', { 'x-req-add': 'from-client', 'x-req-remove': 'gone', 'x-req-set': 'from-client' }));
    assert.equal(a.status, 200);
    const h = a.echo?.headers ?? {};
    assert.equal(h['x-req-set'], 'set-by-mesh');
    assert.equal(h['x-req-add'], 'from-client, added-by-mesh');
    assert.equal(h['x-req-remove'], undefined);
    assert.equal(a.headers['x-route'], 'default');
    assert.equal(a.headers['x-resp-add'], 'added');
    assert.equal(a.headers['x-app-remove'], undefined);
    assert.equal(a.headers['x-app-keep'], 'kept');
  });
}
