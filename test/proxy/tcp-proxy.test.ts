/**
 * tcp_proxy over real loopback sockets, through the in-process sidecar's virtualOutbound
 * (PassthroughCluster to a local upstream): half-close both ways, backpressure with a slow
 * reader in each direction (the downstream adopted and read into the session's buffer; every
 * byte intact, and counted exactly in the stats and the access log), resets passed on, connect failure and connect timeout (UF,URX), and no leaked
 * connections afterwards.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../helpers/netns.ts';
import { DEFAULT_TCP_IDLE_TIMEOUT_MS, type TcpProxySession } from '../../src/proxy/filters/network/tcp-proxy.ts';
import { At } from '../../src/proxy/xds/translate/fields.ts';
import { translateTcpProxy } from '../../src/proxy/xds/translate/tcp-proxy.ts';
import { closeServer, collect, connectTo, echoServer, httpGet, listenOn, registryWith, startTestSidecar, tempDir, writeAtomically, type TestSidecar } from './support.ts';

const tmp = tempDir('tcp');
let t: TestSidecar;
const cleanups: (() => unknown)[] = [];

before(async () => {
  const registry = join(tmp.dir, 'registry.json');
  writeAtomically(registry, registryWith([]));
  t = await startTestSidecar({ registry, 'connect-timeout': '300ms' });
});
after(async () => {
  for (const c of cleanups.reverse()) await c();
  await t?.sidecar.shutdown(0);
  tmp.cleanup();
});

const active = (): number => t.sidecar.outbound.activeConnections;
async function stat(name: string): Promise<number> {
  const r = await httpGet(t.sidecar.ports.admin, `/stats?filter=${encodeURIComponent(`^${name.replace(/[|.]/g, '\\$&')}$`)}`);
  const m = /: (\d+)/.exec(r.body);
  return m ? Number(m[1]) : NaN;
}

/** An upstream on loopback, and the outbound route to it (an unknown IP: PassthroughCluster). */
async function upstream(handler: Parameters<typeof echoServer>[0]): Promise<number> {
  const server = echoServer(handler);
  const port = await listenOn(server);
  cleanups.push(() => closeServer(server));
  t.route('outbound', { ip: '127.0.0.1', port });
  return port;
}

describe('tcp_proxy', () => {
  it('half-close from the client: the server sees our FIN and can still answer', async () => {
    const seen: string[] = [];
    await upstream((s) => {
      let got = '';
      s.on('data', (d: Buffer) => (got += d.toString()));
      s.on('end', () => {
        seen.push(got);
        s.end(`pong after ${got}`);
      });
    });
    const c = await connectTo(t.sidecar.ports.outbound);
    const done = collect(c);
    c.end('ping');
    const r = await done;
    assert.deepEqual(seen, ['ping']);
    assert.equal(r.data, 'pong after ping');
    assert.equal(r.ended, true);
    assert.equal(r.error, undefined);
    await waitFor(() => active() === 0, 5000, 'connections to close');
  });

  it('half-close from the server: the client keeps sending after the server FIN', async () => {
    const received: string[] = [];
    await upstream((s) => {
      let got = '';
      s.end('hello');
      s.on('data', (d: Buffer) => (got += d.toString()));
      s.on('end', () => received.push(got));
    });
    const c = await connectTo(t.sidecar.ports.outbound);
    const done = collect(c, { endOnEnd: false });
    await new Promise<void>((r) => c.once('end', () => r()));
    c.end('late data');
    const r = await done;
    assert.equal(r.data, 'hello');
    await waitFor(() => received.length === 1, 5000, 'the server to see the client FIN');
    assert.deepEqual(received, ['late data']);
    await waitFor(() => active() === 0, 5000, 'connections to close');
  });

  it('backpressure: 64 MiB to a slow reader completes with bounded buffering', async () => {
    const total = 64 * 1024 * 1024;
    const sent = createHash('sha256');
    await upstream((s) => {
      const chunk = Buffer.alloc(256 * 1024);
      let left = total;
      const write = (): void => {
        while (left > 0) {
          chunk.fill(left & 0xff);
          const n = Math.min(chunk.length, left);
          left -= n;
          sent.update(chunk.subarray(0, n));
          if (!s.write(Buffer.from(chunk.subarray(0, n)))) return void s.once('drain', write);
        }
        s.end();
      };
      write();
    });
    const pausedBefore = await stat('cluster.PassthroughCluster.upstream_flow_control_paused_reading_total');
    const c = await connectTo(t.sidecar.ports.outbound);
    const got = createHash('sha256');
    let bytes = 0;
    let peak = 0;
    await new Promise<void>((resolve, reject) => {
      c.on('data', (d: Buffer) => {
        got.update(d);
        bytes += d.length;
        t.sidecar.outbound.forEachConnection((s) => (peak = Math.max(peak, (s as TcpProxySession).peakBuffered)));
        // A slow reader: stop after every chunk and read on a little later.
        c.pause();
        setTimeout(() => c.resume(), bytes % (4 * 1024 * 1024) < d.length ? 20 : 0);
      });
      c.on('end', () => c.end());
      c.on('close', () => resolve());
      c.on('error', reject);
    });
    assert.equal(bytes, total);
    assert.equal(got.digest('hex'), sent.digest('hex'));
    assert.ok(peak > 0 && peak < 1024 * 1024, `the proxy buffered at most ${peak} bytes in one direction`);
    assert.ok(await stat('cluster.PassthroughCluster.upstream_flow_control_paused_reading_total') > pausedBefore, 'reading from the upstream was paused');
    await waitFor(() => active() === 0, 5000, 'connections to close');
  });

  it('client to server: 64 MiB to a slow upstream reader arrive intact through the adopted downstream, counted exactly', async () => {
    const total = 64 * 1024 * 1024;
    const got = createHash('sha256');
    let received = 0;
    const done = new Promise<void>((resolve) => {
      void upstream((s) => {
        s.on('data', (d: Buffer) => {
          got.update(d);
          received += d.length;
          s.pause();
          setTimeout(() => s.resume(), received % (4 * 1024 * 1024) < d.length ? 20 : 0);
        });
        s.on('end', () => {
          s.end('ok');
          resolve();
        });
      });
    });
    await new Promise((r) => setTimeout(r, 50));
    const rxBefore = await stat('tcp.PassthroughCluster.downstream_cx_rx_bytes_total');
    const pausedBefore = await stat('tcp.PassthroughCluster.downstream_flow_control_paused_reading_total');
    const logged = t.accessLog.length;
    const c = await connectTo(t.sidecar.ports.outbound);
    const reply = collect(c);
    await waitFor(() => active() === 1, 5000, 'the session');
    let adopted = false;
    t.sidecar.outbound.forEachConnection((s) => (adopted = (s as TcpProxySession).readsIntoBuffer));
    assert.ok(adopted, 'the downstream is read into the session buffer');
    const sent = createHash('sha256');
    const chunk = Buffer.alloc(100_003);
    for (let left = total, i = 0; left > 0; i++) {
      chunk.fill(i & 0xff);
      chunk.writeUInt32BE(i, 0);
      const piece = Buffer.from(chunk.subarray(0, Math.min(chunk.length, left)));
      left -= piece.length;
      sent.update(piece);
      if (!c.write(piece)) await new Promise((r) => c.once('drain', r));
    }
    c.end();
    await done;
    const r = await reply;
    assert.equal(r.data, 'ok');
    assert.equal(received, total);
    assert.equal(got.digest('hex'), sent.digest('hex'));
    assert.equal(await stat('tcp.PassthroughCluster.downstream_cx_rx_bytes_total'), rxBefore + total);
    assert.ok(await stat('tcp.PassthroughCluster.downstream_flow_control_paused_reading_total') > pausedBefore, 'reading from the downstream was paused');
    await waitFor(() => t.accessLog.length > logged, 5000, 'the access log line');
    assert.match(t.accessLog.at(-1) ?? '', new RegExp(`^\\[[^\\]]+\\] "- - -" 0 - - - "-" ${total} 2 \\d+ `));
    await waitFor(() => active() === 0, 5000, 'connections to close');
  });

  it('a reset from the upstream reaches the client as a reset', async () => {
    await upstream((s) => s.once('data', () => s.resetAndDestroy()));
    const c = await connectTo(t.sidecar.ports.outbound);
    const done = collect(c);
    c.write('trigger');
    const r = await done;
    assert.equal(r.error, 'ECONNRESET');
    await waitFor(() => active() === 0, 5000, 'connections to close');
  });

  it('a reset from the client reaches the upstream as a reset', async () => {
    const errors: string[] = [];
    let connected = false;
    await upstream((s) => {
      connected = true;
      s.on('error', (e: NodeJS.ErrnoException) => errors.push(e.code ?? ''));
    });
    const c = await connectTo(t.sidecar.ports.outbound);
    c.on('error', () => {});
    c.write('x');
    await waitFor(() => connected, 5000, 'the upstream connection');
    c.resetAndDestroy();
    await waitFor(() => errors.length > 0, 5000, 'the upstream to see the reset');
    assert.deepEqual(errors, ['ECONNRESET']);
    await waitFor(() => active() === 0, 5000, 'connections to close');
  });

  it('connect failure closes the downstream with UF,URX and counts upstream_cx_connect_fail', async () => {
    const server = echoServer();
    const port = await listenOn(server);
    await closeServer(server); // nothing listens there now
    t.route('outbound', { ip: '127.0.0.1', port });
    const failsBefore = await stat('cluster.PassthroughCluster.upstream_cx_connect_fail');
    const logged = t.accessLog.length;
    const c = await connectTo(t.sidecar.ports.outbound);
    const r = await collect(c);
    assert.equal(r.data, '');
    assert.equal(await stat('cluster.PassthroughCluster.upstream_cx_connect_fail'), failsBefore + 1);
    await waitFor(() => t.accessLog.length > logged, 5000, 'the access log line');
    assert.match(t.accessLog.at(-1) ?? '', new RegExp(`^\\[[^\\]]+\\] "- - -" 0 UF,URX - - "-" 0 0 \\d+ - "-" "-" "-" "-" "127\\.0\\.0\\.1:${port}" PassthroughCluster - 127\\.0\\.0\\.1:${port} 127\\.0\\.0\\.1:\\d+ - -\\n$`));
    await waitFor(() => active() === 0, 5000, 'connections to close');
  });

  it('connect timeout (a listener whose accept queue is full) ends with UF,URX and upstream_cx_connect_timeout', async () => {
    // A listener that never accepts: a stopped process with a backlog of 1, its queue filled.
    const child = spawn(process.execPath, ['-e', "require('net').createServer().listen({host:'127.0.0.1',port:0,backlog:1},function(){console.log(this.address().port)})"], { stdio: ['ignore', 'pipe', 'ignore'] });
    cleanups.push(() => child.kill('SIGKILL'));
    const port = await new Promise<number>((r) => child.stdout.once('data', (d: Buffer) => r(Number(d.toString().trim()))));
    child.kill('SIGSTOP');
    for (let i = 0; i < 4; i++) {
      const { connect } = await import('node:net');
      const f = connect({ host: '127.0.0.1', port });
      f.on('error', () => {});
      cleanups.push(() => f.destroy());
    }
    await new Promise((r) => setTimeout(r, 200));
    t.route('outbound', { ip: '127.0.0.1', port });
    const before = await stat('cluster.PassthroughCluster.upstream_cx_connect_timeout');
    const logged = t.accessLog.length;
    const c = await connectTo(t.sidecar.ports.outbound);
    await collect(c);
    assert.equal(await stat('cluster.PassthroughCluster.upstream_cx_connect_timeout'), before + 1);
    await waitFor(() => t.accessLog.length > logged, 5000, 'the access log line');
    assert.match(t.accessLog.at(-1) ?? '', / 0 UF,URX /);
    await waitFor(() => active() === 0, 5000, 'connections to close');
  });

  it('leaves no connection behind: listener and server gauges are back to 0', async () => {
    assert.equal(active(), 0);
    assert.equal(await stat('listener.0.0.0.0_0.downstream_cx_active'), 0);
    assert.equal(await stat('server.total_connections'), 0);
    assert.equal(await stat('cluster.PassthroughCluster.upstream_cx_active'), 0);
  });
});

describe('tcp_proxy idle_timeout and max_downstream_connection_duration from xDS (enforced on a real mesh in test/e2e/tcp-idle-timeout.test.ts)', () => {
  const at = new At('Listener 0.0.0.0_9000', 'filterChains[0].filters[0].typedConfig');
  const base = { statPrefix: 'outbound|9000||echo.l4.svc.cluster.local', cluster: 'outbound|9000||echo.l4.svc.cluster.local' };

  it('absent: the session applies Envoy\'s default of 1 h; `0s` disables it; a duration is taken in ms', () => {
    assert.equal(translateTcpProxy(base, at).idleTimeoutMs, undefined);
    assert.equal(DEFAULT_TCP_IDLE_TIMEOUT_MS, 3_600_000);
    assert.equal(translateTcpProxy({ ...base, idleTimeout: '0s' }, at).idleTimeoutMs, 0);
    assert.equal(translateTcpProxy({ ...base, idleTimeout: '2.500s' }, at).idleTimeoutMs, 2500);
  });

  it('max_downstream_connection_duration is taken in ms; absent or 0s: none', () => {
    assert.equal(translateTcpProxy({ ...base, maxDownstreamConnectionDuration: '3s' }, at).maxDurationMs, 3000);
    assert.equal(translateTcpProxy({ ...base, maxDownstreamConnectionDuration: '0s' }, at).maxDurationMs, undefined);
    assert.equal(translateTcpProxy(base, at).maxDurationMs, undefined);
  });

  it('a malformed duration is refused naming the resource and the field', () => {
    assert.throws(() => translateTcpProxy({ ...base, idleTimeout: 'soon' }, at), /Listener 0\.0\.0\.0_9000: filterChains\[0\]\.filters\[0\]\.typedConfig\.idleTimeout: /);
  });
});
