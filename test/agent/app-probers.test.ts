/**
 * The agent's app probes on 15020, against real app servers: httpGet (status passed through,
 * headers forwarded, Host rewritten to the app port, redirects), tcpSocket, grpc health, the
 * 127.0.0.6 source address, and 400 for a probe the pod does not have.
 */
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createH2Server } from 'node:http2';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { closeServer, httpGet, listenOn, registryWith, startTestSidecar, tempDir, writeAtomically, type TestSidecar } from '../proxy/support.ts';

const tmp = tempDir('probes');
let t: TestSidecar;
const seen: { path: string; remote: string; headers: IncomingHttpHeaders }[] = [];
const closers: (() => unknown)[] = [];
let appPort = 0;

before(async () => {
  const app = createHttpServer((req, res) => {
    seen.push({ path: req.url ?? '', remote: req.socket.remoteAddress ?? '', headers: req.headers });
    if (req.url === '/ok') res.writeHead(200).end('fine');
    else if (req.url === '/bad') res.writeHead(503).end('nope');
    else if (req.url === '/elsewhere') res.writeHead(302, { location: 'http://example.invalid/' }).end();
    else if (req.url === '/same') res.writeHead(301, { location: '/bad' }).end();
    else res.writeHead(404).end();
  });
  appPort = await listenOn(app as unknown as import('node:net').Server, '0.0.0.0');
  closers.push(() => new Promise((r) => { app.closeAllConnections(); app.close(r); }));

  const grpc = createH2Server();
  grpc.on('stream', (stream) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const service = Buffer.concat(chunks).subarray(7).toString();
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.from([0, 0, 0, 0, 2, 0x08, service === 'down' ? 2 : 1]));
    });
  });
  const grpcPort = await listenOn(grpc as unknown as import('node:net').Server, '0.0.0.0');
  closers.push(() => new Promise((r) => grpc.close(r)));

  const closed = createServer();
  const closedPort = await listenOn(closed);
  await closeServer(closed);

  const probers = {
    '/app-health/app/readyz': { httpGet: { path: '/ok', port: appPort, scheme: 'HTTP', httpHeaders: [{ name: 'X-Probe', value: 'kubelet' }] }, timeoutSeconds: 2 },
    '/app-health/app/livez': { httpGet: { path: 'bad', port: appPort }, timeoutSeconds: 2 },
    '/app-health/app/startupz': { tcpSocket: { port: appPort }, timeoutSeconds: 2 },
    '/app-health/gone/readyz': { tcpSocket: { port: closedPort }, timeoutSeconds: 1 },
    '/app-health/gone/livez': { httpGet: { path: '/', port: closedPort }, timeoutSeconds: 1 },
    '/app-health/redir/readyz': { httpGet: { path: '/elsewhere', port: appPort }, timeoutSeconds: 2 },
    '/app-health/redir/livez': { httpGet: { path: '/same', port: appPort }, timeoutSeconds: 2 },
    '/app-health/grpc/readyz': { grpc: { port: grpcPort }, timeoutSeconds: 2 },
    '/app-health/grpc/livez': { grpc: { port: grpcPort, service: 'down' }, timeoutSeconds: 2 },
  };
  const registry = join(tmp.dir, 'registry.json');
  writeAtomically(registry, registryWith([]));
  t = await startTestSidecar({ registry, 'instance-ip': '127.0.0.1', 'kube-app-probers': JSON.stringify(probers) });
});
after(async () => {
  await t?.sidecar.shutdown(0);
  for (const c of closers) await c();
  tmp.cleanup();
});

const probe = (path: string, headers: Record<string, string> = {}) => httpGet(t.sidecar.ports.status, path, { headers });

describe('app probes on the status port', () => {
  it('httpGet: the app status and body come back; headers are forwarded; the app sees 127.0.0.6', async () => {
    // fetch sends Host 127.0.0.1:<status port>; the agent swaps in the app's port, as pilot-agent does.
    const ok = await probe('/app-health/app/readyz', { 'user-agent': 'kube-probe/1.30' });
    assert.deepEqual([ok.status, ok.body], [200, 'fine']);
    const hit = seen.find((s) => s.path === '/ok');
    assert.equal(hit?.remote, '127.0.0.6');
    assert.equal(hit?.headers['user-agent'], 'kube-probe/1.30');
    assert.equal(hit?.headers['x-probe'], 'kubelet');
    assert.equal(hit?.headers.host, `127.0.0.1:${appPort}`);
    const bad = await probe('/app-health/app/livez');
    assert.deepEqual([bad.status, bad.body], [503, 'nope']);
  });

  it('httpGet: a redirect elsewhere is success; a same-host redirect is followed', async () => {
    assert.equal((await probe('/app-health/redir/readyz')).status, 200);
    assert.equal((await probe('/app-health/redir/livez')).status, 503);
  });

  it('tcpSocket: 200 when the app accepts, 500 when nothing listens', async () => {
    assert.equal((await probe('/app-health/app/startupz')).status, 200);
    assert.equal((await probe('/app-health/gone/readyz')).status, 500);
    assert.equal((await probe('/app-health/gone/livez')).status, 500);
  });

  it('grpc: SERVING is 200, anything else 500', async () => {
    assert.equal((await probe('/app-health/grpc/readyz')).status, 200);
    assert.equal((await probe('/app-health/grpc/livez')).status, 500);
  });

  it('an unknown probe is a 400', async () => {
    const r = await probe('/app-health/nothere/readyz');
    assert.deepEqual([r.status, r.body], [400, 'app prober config does not exists for /app-health/nothere/readyz']);
  });
});
