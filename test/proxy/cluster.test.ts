/**
 * Clusters and filter chains: Istio's cluster names, round robin over ready endpoints only
 * (by picking and over real connections), pod-IP and passthrough matching, REGISTRY_ONLY, the
 * inbound chains, and UH when no endpoint is ready.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { waitFor } from '../helpers/netns.ts';
import { ClusterManager } from '../../src/proxy/cluster/cluster-manager.ts';
import { registryClusters } from '../../src/proxy/config/registry-clusters.ts';
import { parseRegistry } from '../../src/core/registry/parse.ts';
import { buildSnapshot } from '../../src/proxy/config/snapshot.ts';
import { matchInbound } from '../../src/proxy/listener/virtual-inbound.ts';
import { matchOutbound } from '../../src/proxy/listener/virtual-outbound.ts';
import { MemoryStatsStore } from '../../src/proxy/stats/memory-store.ts';
import { closeServer, collect, connectTo, echoServer, httpGet, listenOn, registryWith, startTestSidecar, tempDir, writeAtomically, type TestSidecar } from './support.ts';

const tmp = tempDir('cluster');
const stops: (() => unknown)[] = [];
after(async () => {
  for (const s of stops.reverse()) await s();
  tmp.cleanup();
});

function manager(endpoints: { ip: string; ready: boolean; port: number }[]) {
  const snap = buildSnapshot(parseRegistry(JSON.stringify(registryWith(endpoints)), 'r'));
  const clusters = new ClusterManager({ store: new MemoryStatsStore() });
  const local = { instanceIp: '10.250.0.9', namespace: 'default', labels: { app: 'reviews' }, containerPorts: [9080] };
  const built = registryClusters(snap, { local, clusterId: 'Kubernetes', connectTimeoutMs: 10_000 });
  clusters.install(clusters.build(built.specs, built.endpoints), String(snap.version));
  return { snap, clusters };
}

describe('clusters', () => {
  it('names clusters as Istio does and round-robins over ready endpoints only', () => {
    const { clusters } = manager([
      { ip: '10.250.0.5', ready: true, port: 9080 },
      { ip: '10.250.0.6', ready: false, port: 9080 },
      { ip: '10.250.0.7', ready: true, port: 9080 },
    ]);
    assert.deepEqual(clusters.all().map((c) => c.name).sort(), [
      'BlackHoleCluster', 'InboundPassthroughCluster', 'PassthroughCluster', 'inbound|9080||', 'outbound|9080||reviews.default.svc.cluster.local',
    ]);
    const c = clusters.get('outbound|9080||reviews.default.svc.cluster.local');
    assert.ok(c);
    const picks = Array.from({ length: 6 }, () => c.chooseHost({ ip: '10.96.0.12', port: 9080 })?.address.ip);
    assert.deepEqual(picks, ['10.250.0.5', '10.250.0.7', '10.250.0.5', '10.250.0.7', '10.250.0.5', '10.250.0.7']);
    assert.equal(c.hosts().length, 3, 'not-ready endpoints stay listed');
    assert.equal(c.stats.membership_healthy.value, 2);
    assert.deepEqual(clusters.get('inbound|9080||')?.service, { host: 'reviews.default.svc.cluster.local', name: 'reviews', namespace: 'default' });
  });

  it('matches outbound destinations: ClusterIP, pod IP, passthrough, REGISTRY_ONLY, own port', () => {
    const { snap, clusters } = manager([{ ip: '10.250.0.5', ready: true, port: 9080 }]);
    const allow = matchOutbound({ clusters, snapshot: () => snap, policy: 'ALLOW_ANY', listenerPort: 15001 });
    const only = matchOutbound({ clusters, snapshot: () => snap, policy: 'REGISTRY_ONLY', listenerPort: 15001 });
    assert.equal(allow({ ip: '10.96.0.12', port: 9080 }, undefined)?.name, 'outbound|9080||reviews.default.svc.cluster.local');
    const pod = allow({ ip: '10.250.0.5', port: 9080 }, undefined);
    assert.equal(pod?.name, 'outbound|9080||reviews.default.svc.cluster.local');
    assert.equal(pod?.chooseHost({ ip: '10.250.0.5', port: 9080 })?.address.ip, '10.250.0.5');
    assert.equal(allow({ ip: '10.250.0.5', port: 22 }, undefined)?.name, 'PassthroughCluster');
    assert.equal(only({ ip: '10.250.0.5', port: 22 }, undefined)?.name, 'PassthroughCluster', 'known pods are dialled directly');
    assert.equal(allow({ ip: '93.184.216.34', port: 80 }, undefined)?.name, 'PassthroughCluster');
    assert.equal(only({ ip: '93.184.216.34', port: 80 }, undefined)?.name, 'BlackHoleCluster');
    assert.equal(allow({ ip: '10.96.0.12', port: 80 }, undefined)?.name, 'PassthroughCluster', 'a ClusterIP on a port it does not have');
    assert.equal(allow({ ip: '10.250.0.9', port: 15001 }, undefined)?.name, 'BlackHoleCluster');
  });

  it('matches inbound destinations: declared port, other port, own port', () => {
    const { clusters } = manager([]);
    const m = matchInbound({ clusters, containerPorts: new Set([9080]), listenerPort: 15006 });
    assert.equal(m({ ip: '10.250.0.9', port: 9080 }, undefined)?.name, 'inbound|9080||');
    assert.equal(m({ ip: '10.250.0.9', port: 8443 }, undefined)?.name, 'InboundPassthroughCluster');
    assert.equal(m({ ip: '10.250.0.9', port: 15006 }, undefined)?.name, 'BlackHoleCluster');
  });
});

describe('clusters over real connections', () => {
  let t: TestSidecar;
  const registry = join(tmp.dir, 'registry.json');

  it('spreads connections round robin over the ready endpoints, skipping the one not ready', async () => {
    // Three endpoints on three loopback addresses, same port; the middle one is not ready.
    const hits: Record<string, number> = {};
    const servers = ['127.0.0.2', '127.0.0.3', '127.0.0.4'].map((ip) => ({ ip, server: echoServer((s) => { hits[ip] = (hits[ip] ?? 0) + 1; s.end(ip); }) }));
    const port = await listenOn(servers[0]!.server, '127.0.0.2');
    for (const s of servers.slice(1)) await listenOn(s.server, s.ip, port);
    for (const s of servers) stops.push(() => closeServer(s.server));
    writeAtomically(registry, registryWith([{ ip: '127.0.0.2', ready: true, port }, { ip: '127.0.0.3', ready: false, port }, { ip: '127.0.0.4', ready: true, port }]));
    t = await startTestSidecar({ registry });
    stops.push(() => t.sidecar.shutdown(0));
    await waitFor(() => t.sidecar.status.live, 5000, 'the sidecar to be ready');
    t.route('outbound', { ip: '10.96.0.12', port: 9080 });
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) answers.push((await collect(await connectTo(t.sidecar.ports.outbound))).data);
    assert.deepEqual(answers, ['127.0.0.2', '127.0.0.4', '127.0.0.2', '127.0.0.4']);
    assert.equal(hits['127.0.0.3'], undefined);
    const clusters = (await httpGet(t.sidecar.ports.admin, '/clusters')).body;
    assert.match(clusters, new RegExp(`^outbound\\|9080\\|\\|reviews\\.default\\.svc\\.cluster\\.local::127\\.0\\.0\\.2:${port}::cx_total::2$`, 'm'));
    assert.match(clusters, new RegExp(`::127\\.0\\.0\\.3:${port}::health_flags::/failed_eds_health$`, 'm'));
    assert.match(clusters, new RegExp(`::127\\.0\\.0\\.4:${port}::health_flags::healthy$`, 'm'));
  });

  it('closes the connection with UH when no endpoint is ready, and counts upstream_cx_none_healthy', async () => {
    writeAtomically(registry, registryWith([{ ip: '127.0.0.2', ready: false, port: 1 }], { version: 2 }));
    await waitFor(async () => (await httpGet(t.sidecar.ports.admin, '/stats?filter=cds.version')).body.includes(': 2'), 5000, 'version 2');
    const logged = t.accessLog.length;
    const r = await collect(await connectTo(t.sidecar.ports.outbound));
    assert.equal(r.data, '');
    await waitFor(() => t.accessLog.length > logged, 5000, 'the access log line');
    assert.match(t.accessLog.at(-1) ?? '', / 0 UH - - "-" 0 0 \d+ - "-" "-" "-" "-" "-" outbound\|9080\|\|reviews\.default\.svc\.cluster\.local - 10\.96\.0\.12:9080 /);
    assert.match((await httpGet(t.sidecar.ports.admin, '/stats')).body, /^cluster\.outbound\|9080\|\|reviews\.default\.svc\.cluster\.local\.upstream_cx_none_healthy: 1$/m);
    await waitFor(() => t.sidecar.outbound.activeConnections === 0, 5000, 'no open connection');
  });
});
