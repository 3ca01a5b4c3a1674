/**
 * The bootstrap, as pilot-agent builds Envoy's: the node the control plane receives on the
 * first request (id, cluster, the contract's metadata fields, every other ISTIO_META_* and
 * ISTIO_METAJSON_* variable), and the same node and bootstrap in admin /server_info and
 * /config_dump (BootstrapConfigDump with ADS as the CDS/LDS source and the xds-grpc cluster).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../helpers/netns.ts';
import { encodeMessage } from '../../../src/core/xds/json.ts';
import { messageType } from '../../../src/core/xds/protos.ts';
import { httpGet, startTestSidecar, type TestSidecar } from '../support.ts';
import { AdsPeer } from './ads-peer.ts';
import { CDS, LDS, passthroughClusters, virtualOutbound } from './resources.ts';

type Json = Record<string, unknown>;
const stops: (() => unknown)[] = [];
const peer = new AdsPeer();
let t: TestSidecar;

before(async () => {
  peer.setAll({ [CDS]: passthroughClusters(), [LDS]: [virtualOutbound()] });
  await peer.start();
  stops.push(() => peer.stop());
  t = await startTestSidecar({
    'discovery-address': peer.address, 'pod-name': 'reviews-v1-7f9c6d-x2x1k', 'pod-namespace': 'bookinfo', 'instance-ip': '10.250.0.5',
    'service-account': 'bookinfo-reviews', 'workload-name': 'reviews-v1', labels: '{"app":"reviews","version":"v1"}',
    'pod-ports': '[{"name":"http","containerPort":9080,"protocol":"TCP"}]', 'app-containers': 'reviews,helper', 'mesh-id': 'mesh1',
  }, { env: { ISTIO_META_DNS_CAPTURE: 'true', ISTIO_METAJSON_ANNOTATIONS: '{"sidecar.istio.io/inject":"true"}', ISTIO_META_CLUSTER_ID: 'Kubernetes' } });
  stops.push(() => t.sidecar.shutdown(0));
  await waitFor(() => t.sidecar.status.live, 10_000, 'ready');
});
after(async () => {
  for (const s of stops.reverse()) await s();
});

describe('bootstrap and node', () => {
  it('sends the node as pilot-agent does on the first request', () => {
    const node = peer.streams[0]?.requests[0]?.node;
    assert.ok(node);
    assert.equal(node.id, 'sidecar~10.250.0.5~reviews-v1-7f9c6d-x2x1k.bookinfo~bookinfo.svc.cluster.local');
    assert.equal(node.cluster, 'reviews.bookinfo');
    const m = node.metadata ?? {};
    assert.deepEqual(
      Object.fromEntries(['NAME', 'NAMESPACE', 'INSTANCE_IPS', 'LABELS', 'WORKLOAD_NAME', 'SERVICE_ACCOUNT', 'CLUSTER_ID', 'MESH_ID', 'INTERCEPTION_MODE', 'POD_PORTS', 'APP_CONTAINERS', 'ISTIO_VERSION'].map((k) => [k, m[k]])),
      {
        NAME: 'reviews-v1-7f9c6d-x2x1k', NAMESPACE: 'bookinfo', INSTANCE_IPS: '10.250.0.5', LABELS: { app: 'reviews', version: 'v1' },
        WORKLOAD_NAME: 'reviews-v1', SERVICE_ACCOUNT: 'bookinfo-reviews', CLUSTER_ID: 'Kubernetes', MESH_ID: 'mesh1', INTERCEPTION_MODE: 'REDIRECT',
        POD_PORTS: '[{"name":"http","containerPort":9080,"protocol":"TCP"}]', APP_CONTAINERS: 'reviews,helper', ISTIO_VERSION: '1.24.0',
      },
    );
    assert.equal(typeof m['POD_PORTS'], 'string', 'POD_PORTS is a JSON string, as Istio sends it');
    assert.equal(m['DNS_CAPTURE'], 'true', 'ISTIO_META_* variables pass through');
    assert.deepEqual(m['ANNOTATIONS'], { 'sidecar.istio.io/inject': 'true' }, 'ISTIO_METAJSON_* variables are parsed');
    assert.equal(m['OUTBOUND_TRAFFIC_POLICY'], undefined, 'mesh config is not node metadata');
  });

  it('shows the node in /server_info', async () => {
    const info = JSON.parse((await httpGet(t.sidecar.ports.admin, '/server_info')).body) as { state: string; node: { id: string; cluster: string; metadata: Json } };
    assert.equal(info.state, 'LIVE');
    assert.equal(info.node.id, 'sidecar~10.250.0.5~reviews-v1-7f9c6d-x2x1k.bookinfo~bookinfo.svc.cluster.local');
    assert.equal(info.node.cluster, 'reviews.bookinfo');
    assert.equal(info.node.metadata['MESH_ID'], 'mesh1');
  });

  it('shows the bootstrap in /config_dump: ADS for CDS and LDS, the xds-grpc cluster', async () => {
    const dump = JSON.parse((await httpGet(t.sidecar.ports.admin, '/config_dump')).body) as { configs: Json[] };
    assert.doesNotThrow(() => encodeMessage(messageType('envoy.admin.v3.ConfigDump'), dump));
    const b = dump.configs[0] as { '@type': string; bootstrap: Json; lastUpdated: string };
    assert.equal(b['@type'], 'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump');
    assert.equal((b.bootstrap['node'] as Json)['id'], 'sidecar~10.250.0.5~reviews-v1-7f9c6d-x2x1k.bookinfo~bookinfo.svc.cluster.local');
    assert.deepEqual(b.bootstrap['dynamicResources'], {
      ldsConfig: { ads: {}, initialFetchTimeout: '0s', resourceApiVersion: 'V3' },
      cdsConfig: { ads: {}, initialFetchTimeout: '0s', resourceApiVersion: 'V3' },
      adsConfig: { apiType: 'GRPC', setNodeOnFirstMessageOnly: true, transportApiVersion: 'V3', grpcServices: [{ envoyGrpc: { clusterName: 'xds-grpc' } }] },
    });
    const [host, port] = peer.address.split(':');
    const xds = ((b.bootstrap['staticResources'] as Json)['clusters'] as Json[]).find((c) => c['name'] === 'xds-grpc');
    assert.deepEqual((xds?.['loadAssignment'] as { endpoints: { lbEndpoints: { endpoint: Json }[] }[] }).endpoints[0]?.lbEndpoints[0]?.endpoint,
      { address: { socketAddress: { address: host, portValue: Number(port) } } });
    const statics = (dump.configs[1] as { staticClusters: { cluster: Json }[] }).staticClusters.map((c) => c.cluster['name']);
    assert.deepEqual(statics, ['prometheus_stats', 'agent', 'xds-grpc'], 'the bootstrap clusters are the static ones');
  });
});
