/**
 * DestinationRule connectionPool fields that live in the upstream connection, from Istio YAML's
 * shape to the kernel: the control plane's CDS fields (connectionPoolFields) are translated by
 * the proxy as it would receive them, and the pool built from that cluster sets SO_KEEPALIVE,
 * TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT on its real upstream sockets (read back with
 * getsockopt), drains connections at maxConnectionDuration, and rejects bad values with the
 * field named. Both HTTP/1.1 and h2c pools, and the pools' shared connect, are covered.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createH2Server, type Http2Server } from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { connectionPoolFields } from '../../../src/control/xds/cds/connection-pool.ts';
import type { ConnectionPoolSettings } from '../../../src/control/config/types/connection-pool.ts';
import type { UpstreamEvents } from '../../../src/proxy/cluster/pool/conn-pool.ts';
import { HttpPools } from '../../../src/proxy/cluster/pool/pools.ts';
import { ClusterManager } from '../../../src/proxy/cluster/cluster-manager.ts';
import { MemoryStatsStore } from '../../../src/proxy/stats/memory-store.ts';
import { tcpKeepaliveOf } from '../../../src/proxy/core/socket-options.ts';
import { translateCluster } from '../../../src/proxy/xds/translate/cluster.ts';
import { fdOfLocalPort } from './upstream-fd.ts';

function clusterJson(port: number, pool: ConnectionPoolSettings, protocol: 'HTTP' | 'HTTP2'): unknown {
  const name = `outbound|${port}||web.test.svc.cluster.local`;
  return {
    name, type: 'STATIC',
    loadAssignment: { clusterName: name, endpoints: [{ lbEndpoints: [{ endpoint: { address: { socketAddress: { address: '127.0.0.1', portValue: port } } } }] }] },
    ...connectionPoolFields(pool, protocol, '10s'),
  };
}

/** One GET through `pools` to the cluster's only host; resolves with the upstream connection's local port. */
function get(pools: HttpPools, spec: ReturnType<typeof translateCluster>, protocol: 'http1' | 'http2'): Promise<number> {
  const cluster = new ClusterManager({ store: new MemoryStatsStore() }).build([spec], new Map()).byName.get(spec.name);
  assert.ok(cluster);
  const host = cluster.hosts()[0];
  assert.ok(host);
  return new Promise((resolve, reject) => {
    let local = 0;
    const ev: UpstreamEvents = {
      onReady: (_ip, port) => (local = port ?? 0), onContinue: () => {}, onHeaders: () => {}, onData: () => true, onTrailers: () => {},
      onEnd: () => resolve(local), onError: (f) => reject(new Error(f.reason)),
    };
    pools.get(cluster, host, protocol).newStream({ method: 'GET', path: '/', authority: 'web', scheme: 'http', headers: {}, endStream: true }, ev).end();
  });
}

describe('DestinationRule tcpKeepalive and maxConnectionDuration on real upstream sockets', () => {
  let h1: Server;
  let h2: Http2Server;
  let h1Port = 0;
  let h2Port = 0;
  const pools = new HttpPools();

  before(async () => {
    h1 = createServer((_req, res) => res.end('ok'));
    h2 = createH2Server();
    h2.on('stream', (s) => {
      s.respond({ ':status': 200 });
      s.end('ok');
    });
    h1Port = await new Promise<number>((r) => h1.listen(0, '127.0.0.1', () => r((h1.address() as { port: number }).port)));
    h2Port = await new Promise<number>((r) => h2.listen(0, '127.0.0.1', () => r((h2.address() as { port: number }).port)));
  });

  after(async () => {
    pools.close();
    h1.closeAllConnections();
    await new Promise<void>((r) => h1.close(() => r()));
    await new Promise<void>((r) => h2.close(() => r()));
  });

  it('translates upstream_connection_options.tcp_keepalive and max_connection_duration from what the control plane emits', () => {
    const spec = translateCluster(clusterJson(8080, { tcp: { tcpKeepalive: { time: '7s', interval: '3s', probes: 4 }, maxConnectionDuration: '90s' } }, 'HTTP'));
    assert.deepEqual(spec.tcpKeepalive, { timeS: 7, intervalS: 3, probes: 4 });
    assert.equal(spec.http.maxConnectionDurationMs, 90_000);
    const none = translateCluster(clusterJson(8080, {}, 'HTTP'));
    assert.equal(none.tcpKeepalive, undefined);
    assert.equal(none.http.maxConnectionDurationMs, undefined);
    const partial = translateCluster(clusterJson(8080, { tcp: { tcpKeepalive: { probes: 2 } } }, 'HTTP'));
    assert.deepEqual(partial.tcpKeepalive, { probes: 2 });
  });

  it('rejects a bad keepalive value naming the cluster and field', () => {
    const bad = { ...(clusterJson(8080, {}, 'HTTP') as object), upstreamConnectionOptions: { tcpKeepalive: { keepaliveProbes: -1 } } };
    assert.throws(() => translateCluster(bad), /outbound\|8080\|\|web\.test\.svc\.cluster\.local.*upstreamConnectionOptions\.tcpKeepalive\.keepaliveProbes.*-1/);
  });

  it('HTTP/1.1 upstream sockets carry SO_KEEPALIVE with the configured time, interval and probes', async () => {
    const spec = translateCluster(clusterJson(h1Port, { tcp: { tcpKeepalive: { time: '7s', interval: '3s', probes: 4 } } }, 'HTTP'));
    const local = await get(pools, spec, 'http1');
    const fd = fdOfLocalPort(local);
    assert.ok(fd !== undefined, `the pool's socket from port ${local} is open in this process`);
    assert.deepEqual(tcpKeepaliveOf(fd), { enabled: true, timeS: 7, intervalS: 3, probes: 4 });
  });

  it('without tcpKeepalive the socket has no SO_KEEPALIVE (Envoy leaves the system default)', async () => {
    const spec = translateCluster(clusterJson(h1Port, { http: { maxRequestsPerConnection: 100 } }, 'HTTP'));
    const local = await get(pools, { ...spec, name: `${spec.name}-plain` }, 'http1');
    const fd = fdOfLocalPort(local);
    assert.ok(fd !== undefined);
    assert.equal(tcpKeepaliveOf(fd).enabled, false);
  });

  it('h2c upstream sessions get the same keepalive', async () => {
    const spec = translateCluster(clusterJson(h2Port, { tcp: { tcpKeepalive: { time: '11s', interval: '2s', probes: 5 } } }, 'HTTP2'));
    assert.equal(spec.http.protocol, 'http2');
    const local = await get(pools, spec, 'http2');
    const fd = fdOfLocalPort(local);
    assert.ok(fd !== undefined);
    assert.deepEqual(tcpKeepaliveOf(fd), { enabled: true, timeS: 11, intervalS: 2, probes: 5 });
  });

  it('maxConnectionDuration closes an h2c session after that long; the next request opens a new one', async () => {
    const spec = translateCluster(clusterJson(h2Port, { tcp: { maxConnectionDuration: '0.3s' } }, 'HTTP2'));
    const named = { ...spec, name: `${spec.name}-duration` };
    const first = await get(pools, named, 'http2');
    const end = Date.now() + 5000;
    while (fdOfLocalPort(first) !== undefined && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.equal(fdOfLocalPort(first), undefined, 'the session older than maxConnectionDuration was closed');
    const second = await get(pools, named, 'http2');
    assert.notEqual(second, first);
  });
});
