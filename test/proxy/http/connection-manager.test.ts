/**
 * The HTTP connection manager and router in a real sidecar, over xDS from a scripted control
 * plane, with real sockets: routing by authority, header edits, local replies with Envoy's
 * flags (NR, UH, UF, UO, UT, FI, DI), retries seen in x-envoy-attempt-count and the cluster
 * stats, redirects and direct responses, h2c both ways with trailers, and a WebSocket-style
 * upgrade. Every exchange leaves one access-log line.
 */
import assert from 'node:assert/strict';
import { connect as h2connect } from 'node:http2';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../helpers/netns.ts';
import { connectTo, httpGet, startTestSidecar, type TestSidecar } from '../support.ts';
import { AdsPeer } from '../xds/ads-peer.ts';
import { CDS, EDS, LDS, RDS, cla, passthroughClusters, virtualOutbound } from '../xds/resources.ts';
import { EMPTY, GRPC, REFUSED, TIGHT, WEB, clusters, hcmListener, routes } from './resources.ts';
import { h2cUpstream, http1Upstream, type Upstream } from './upstreams.ts';

const PORT = 8000;
const VIP = '10.96.3.1';
const peer = new AdsPeer();
const stops: (() => unknown)[] = [];
let t: TestSidecar;
let web: Upstream;
let grpc: Upstream;

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

function get(authority: string, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Reply> {
  t.route('outbound', { ip: VIP, port: PORT });
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: t.sidecar.ports.outbound, path, method, agent: false, headers: { host: authority, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const lastLog = (): string => t.accessLog.at(-1) ?? '';
async function logged(path: string): Promise<string> {
  await waitFor(() => t.accessLog.some((l) => l.includes(` ${path} `)), 5000, `the access log line for ${path}`);
  return t.accessLog.filter((l) => l.includes(` ${path} `)).at(-1) ?? '';
}
const stat = async (name: string): Promise<number> =>
  Number(/: (\d+)/.exec((await httpGet(t.sidecar.ports.admin, `/stats?filter=${encodeURIComponent(`^${name.replace(/[|.]/g, '\\$&')}$`)}`)).body)?.[1] ?? NaN);

before(async () => {
  web = await http1Upstream('127.0.0.4');
  grpc = await h2cUpstream('127.0.0.5');
  stops.push(() => web.close(), () => grpc.close());
  peer.setAll({
    [CDS]: [...clusters(), ...passthroughClusters()],
    [EDS]: [cla(WEB, [{ ip: '127.0.0.4', port: web.port }]), cla(EMPTY, []), cla(REFUSED, [{ ip: '127.0.0.9', port: 1 }]),
      cla(GRPC, [{ ip: '127.0.0.5', port: grpc.port }]), cla(TIGHT, [{ ip: '127.0.0.4', port: web.port }])],
    [LDS]: [virtualOutbound(), hcmListener(PORT)],
    [RDS]: [routes(PORT)],
  });
  await peer.start();
  stops.push(() => peer.stop());
  t = await startTestSidecar({ 'discovery-address': peer.address, 'pod-name': 'sleep-1', 'instance-ip': '127.0.0.1' });
  stops.push(() => t.sidecar.shutdown(0));
  await waitFor(() => t.sidecar.status.live, 10_000, 'ready');
});
after(async () => {
  for (const s of stops.reverse()) await s();
});

describe('HTTP/1.1 through the connection manager', () => {
  it('routes by authority and edits headers as Envoy does', async () => {
    const r = await get('web', '/hello', { 'x-request-id': 'keep-me', connection: 'keep-alive, x-hop', 'x-hop': 'gone' });
    assert.equal(r.status, 200);
    const seen = JSON.parse(r.body) as { headers: Record<string, string> };
    assert.equal(seen.headers['x-request-id'], 'keep-me', 'an incoming request id is kept');
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers['x-envoy-attempt-count'], '1');
    assert.equal(seen.headers['x-hop'], undefined, 'headers named by Connection are hop-by-hop');
    assert.equal(seen.headers['x-forwarded-for'], undefined, 'a sidecar (use_remote_address false) leaves XFF alone');
    assert.match(String(r.headers['x-envoy-upstream-service-time']), /^\d+$/);
    assert.equal(r.headers['server'], 'envoy', 'Envoy overwrites server by default');
    const fresh = JSON.parse((await get('web', '/hello')).body) as { headers: Record<string, string> };
    assert.match(fresh.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/, 'one is generated when absent');
    assert.match(await logged('/hello'), /"GET \/hello HTTP\/1\.1" 200 - via_upstream - "-" 0 \d+ \d+ \d+ "-" "-" "[0-9a-f-]{36}" "web" "127\.0\.0\.4:\d+" outbound\|8000\|\|web\.default\.svc\.cluster\.local 127\.0\.0\.1:\d+ 10\.96\.3\.1:8000 127\.0\.0\.1:\d+ - default$/m);
  });

  it('answers locally with Envoy flags: NR 404, UH 503, UF 503', async () => {
    assert.equal((await get('nowhere', '/nr')).status, 404);
    assert.match(await logged('/nr'), /" 404 NR route_not_found /);
    const uh = await get('empty', '/uh');
    assert.deepEqual([uh.status, uh.body], [503, 'no healthy upstream']);
    assert.match(await logged('/uh'), /" 503 UH no_healthy_upstream /);
    const uf = await get('refused', '/uf');
    assert.equal(uf.status, 503);
    assert.match(uf.body, /^upstream connect error or disconnect\/reset before headers\. reset reason: remote connection failure/);
    assert.match(await logged('/uf'), /" 503 UF upstream_reset_before_response_started\{remote_connection_failure/);
  });

  it('retries 5xx per the route policy; the app sees x-envoy-attempt-count, the cluster counts the retries', async () => {
    const before = await stat(`cluster.${WEB}.upstream_rq_retry`);
    const r = await get('web', '/flaky/2');
    assert.deepEqual([r.status, r.body], [200, 'ok after 3']);
    assert.equal(web.hits.get('/flaky/2'), 3);
    assert.equal(await stat(`cluster.${WEB}.upstream_rq_retry`), before + 2);
    const gaveUp = await get('web', '/flaky/5');
    assert.equal(gaveUp.status, 503, 'the last attempt\'s response goes back when retries run out');
  });

  it('times out with 504 UT; a fault aborts with FI and delays with DI', async () => {
    const slow = await get('web', '/slow');
    assert.deepEqual([slow.status, slow.body], [504, 'upstream request timeout']);
    assert.match(await logged('/slow'), /" 504 UT response_timeout /);
    const abort = await get('web', '/fault-abort');
    assert.deepEqual([abort.status, abort.body], [503, 'fault filter abort']);
    assert.match(await logged('/fault-abort'), /" 503 FI fault_filter_abort /);
    const started = Date.now();
    assert.equal((await get('web', '/fault-delay')).status, 200);
    assert.ok(Date.now() - started >= 280, 'the delay was injected');
    assert.match(await logged('/fault-delay'), /" 200 DI via_upstream /);
  });

  it('redirects, answers directly, rewrites the prefix and adds route headers', async () => {
    const red = await get('web', '/redirect');
    assert.deepEqual([red.status, red.headers['location']], [302, 'http://example.com/new']);
    const direct = await get('web', '/direct');
    assert.deepEqual([direct.status, direct.body], [418, 'short and stout']);
    const rw = await get('web', '/old/thing');
    const seen = JSON.parse(rw.body) as { path: string; headers: Record<string, string> };
    assert.deepEqual([seen.path, seen.headers['x-added'], seen.headers['x-envoy-original-path'], rw.headers['x-resp']], ['/new/thing', 'yes', '/old/thing', 'yes']);
  });

  it('regression: a host rewrite reaches the upstream (the downstream Host header must not win)', async () => {
    const seen = JSON.parse((await get('web', '/hostrw')).body) as { headers: Record<string, string> };
    assert.equal(seen.headers['host'], 'rewritten.example');
  });

  it('answers CORS preflights for allowed origins and marks their responses; others get nothing', async () => {
    const pre = await get('web', '/cors', { origin: 'https://app.example', 'access-control-request-method': 'POST' }, 'OPTIONS');
    assert.deepEqual([pre.status, pre.headers['access-control-allow-origin'], pre.headers['access-control-allow-methods'], pre.headers['access-control-max-age'], pre.headers['access-control-allow-credentials']],
      [200, 'https://app.example', 'GET,POST', '600', 'true']);
    assert.equal(web.hits.get('/cors'), undefined, 'the preflight never reaches the app');
    const actual = await get('web', '/cors', { origin: 'https://app.example' });
    assert.equal(actual.headers['access-control-allow-origin'], 'https://app.example');
    const other = await get('web', '/cors', { origin: 'https://evil.example' });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });

  it('mirrors a request to the shadow authority, body included, fire and forget', async () => {
    const r = await get('web', '/mirrored', { 'content-type': 'text/plain' }, 'POST', 'copy me');
    assert.equal(r.status, 200);
    await waitFor(() => web.hits.get('web-shadow/mirrored') === 1, 5000, 'the shadow request');
    assert.equal(web.hits.get('web/mirrored'), 1);
  });

  it('streams a request body upstream', async () => {
    const body = 'x'.repeat(300_000);
    const r = await get('web', '/echo-body', { 'content-type': 'text/plain' }, 'POST', body);
    assert.equal(r.body, String(body.length));
    assert.match(await logged('/echo-body'), new RegExp(`" 200 - via_upstream - "-" ${body.length} `));
  });

  it('overflows the circuit breaker with 503 UO while requests are in flight', async () => {
    const slow = get('tight', '/slow');
    await waitFor(() => (web.hits.get('/slow') ?? 0) >= 2, 5000, 'the first request in flight');
    const second = await get('tight', '/other');
    assert.equal(second.status, 503);
    assert.match(await logged('/other'), /" 503 UO upstream_reset_before_response_started\{overflow\} /);
    await slow;
  });
});

describe('HTTP/2 and upgrades', () => {
  it('carries h2c downstream to an h2c upstream, trailers included; gRPC local replies are trailers-only', async () => {
    t.route('outbound', { ip: VIP, port: PORT });
    const session = h2connect(`http://127.0.0.1:${t.sidecar.ports.outbound}`);
    try {
      const call = (authority: string): Promise<{ headers: Record<string, unknown>; trailers: Record<string, unknown>; data: Buffer }> => new Promise((resolve) => {
        const s = session.request({ ':method': 'POST', ':path': '/pkg.Svc/Call', ':authority': authority, 'content-type': 'application/grpc', te: 'trailers' });
        let headers: Record<string, unknown> = {};
        let trailers: Record<string, unknown> = {};
        const chunks: Buffer[] = [];
        s.on('response', (h) => (headers = h));
        s.on('trailers', (h) => (trailers = h));
        s.on('data', (c: Buffer) => chunks.push(c));
        s.on('close', () => resolve({ headers, trailers, data: Buffer.concat(chunks) }));
        s.end(Buffer.from([0, 0, 0, 0, 0]));
      });
      const ok = await call('grpc');
      assert.equal(ok.headers[':status'], 200);
      assert.deepEqual([ok.trailers['grpc-status'], ok.trailers['grpc-message']], ['7', 'denied']);
      assert.equal(ok.data.length, 7);
      assert.equal(grpc.hits.get('/pkg.Svc/Call'), 1);
      assert.match(await logged('/pkg.Svc/Call'), /"POST \/pkg\.Svc\/Call HTTP\/2" 200 - via_upstream /);
      const none = await call('nowhere');
      assert.deepEqual([none.headers[':status'], none.headers['grpc-status']], [200, '12'], 'no route: UNIMPLEMENTED as a trailers-only reply');
    } finally {
      session.close();
    }
  });

  it('tunnels an Upgrade: websocket request to the upstream and echoes through', async () => {
    t.route('outbound', { ip: VIP, port: PORT });
    const s = await connectTo(t.sidecar.ports.outbound);
    s.write('GET /ws HTTP/1.1\r\nhost: web\r\nconnection: Upgrade\r\nupgrade: websocket\r\n\r\n');
    let got = '';
    s.on('data', (d: Buffer) => (got += d.toString()));
    await waitFor(() => got.includes('101 Switching Protocols'), 5000, 'the 101');
    s.write('ping-through');
    await waitFor(() => got.includes('ping-through'), 5000, 'the echo');
    s.end();
    await waitFor(() => lastLog().includes('/ws'), 5000, 'the access log line');
    assert.match(lastLog(), /"GET \/ws HTTP\/1\.1" 101 - via_upstream /);
  });
});
