/**
 * Istio's HTTP metadata exchange: the Struct round trip (encode -> base64 -> decode), the client
 * sidecar adding its headers and reading the server's from the response, the server reading and
 * stripping the client's and answering with its own only when asked, and defensive decoding.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import type { HeaderMap } from '../../../src/proxy/core/http-stream-info.ts';
import { metadataExchange, PEER_METADATA, PEER_METADATA_ID } from '../../../src/proxy/filters/http/metadata-exchange.ts';
import { decodePeerMetadata, encodePeerMetadata, peerStructFields, type PeerIdentity } from '../../../src/proxy/stats/peer-metadata.ts';
import { workloadMetadata } from '../../../src/proxy/stats/workload-metadata.ts';
import { callbacks, httpInfo } from './fixtures.ts';

const client: PeerIdentity = {
  metadata: workloadMetadata({ workload: 'productpage-v1', namespace: 'bookinfo', labels: { app: 'productpage', version: 'v1' } }, 'Kubernetes'),
  name: 'productpage-v1-6b746f74dc-9stvs',
  nodeId: 'sidecar~10.250.0.5~productpage-v1-6b746f74dc-9stvs.bookinfo~bookinfo.svc.cluster.local',
  appContainers: ['productpage'],
  serviceAccount: 'bookinfo-productpage',
};
const server: PeerIdentity = {
  metadata: workloadMetadata({ workload: 'reviews-v2', namespace: 'bookinfo', labels: { 'app.kubernetes.io/name': 'reviews', 'service.istio.io/canonical-revision': 'v2' } }, 'Kubernetes'),
  name: 'reviews-v2-abc',
  nodeId: 'sidecar~10.250.0.7~reviews-v2-abc.bookinfo~bookinfo.svc.cluster.local',
};

describe('peer metadata encoding', () => {
  it('is a base64 google.protobuf.Struct with Istio\'s keys, sorted', () => {
    const value = encodePeerMetadata(client);
    const common = protobuf.common.get('google/protobuf/struct.proto');
    assert.ok(common);
    const T = protobuf.Root.fromJSON(common).lookupType('google.protobuf.Struct');
    const o = T.toObject(T.decode(Buffer.from(value, 'base64'))) as { fields: Record<string, { stringValue?: string; structValue?: { fields: Record<string, { stringValue: string }> } }> };
    assert.deepEqual(Object.keys(o.fields), ['APP_CONTAINERS', 'CLUSTER_ID', 'LABELS', 'NAME', 'NAMESPACE', 'OWNER', 'SERVICE_ACCOUNT', 'WORKLOAD_NAME']);
    assert.equal(o.fields['NAME']?.stringValue, 'productpage-v1-6b746f74dc-9stvs');
    assert.equal(o.fields['OWNER']?.stringValue, 'kubernetes://apis/apps/v1/namespaces/bookinfo/deployments/productpage-v1');
    assert.equal(o.fields['APP_CONTAINERS']?.stringValue, 'productpage');
    const labels = Object.fromEntries(Object.entries(o.fields['LABELS']?.structValue?.fields ?? {}).map(([k, v]) => [k, v.stringValue]));
    assert.deepEqual(labels, { app: 'productpage', 'service.istio.io/canonical-name': 'productpage', 'service.istio.io/canonical-revision': 'v1', version: 'v1' });
    assert.equal(encodePeerMetadata(client), value, 'deterministic');
    assert.deepEqual(Object.keys(peerStructFields(server)), ['CLUSTER_ID', 'LABELS', 'NAME', 'NAMESPACE', 'OWNER', 'WORKLOAD_NAME']);
  });

  it('round-trips to the same workload metadata', () => {
    assert.deepEqual(decodePeerMetadata(encodePeerMetadata(client)), { metadata: client.metadata, name: client.name });
    assert.deepEqual(decodePeerMetadata(encodePeerMetadata(server))?.metadata, server.metadata);
  });

  it('ignores bad base64, bad protobuf, and a Struct naming no workload', () => {
    assert.equal(decodePeerMetadata('not base64!'), undefined);
    assert.equal(decodePeerMetadata(Buffer.from([0xff, 0xff, 0xff, 0x07]).toString('base64')), undefined);
    assert.equal(decodePeerMetadata(''), undefined);
    assert.equal(decodePeerMetadata(undefined), undefined);
    assert.equal(decodePeerMetadata('A'.repeat(20_000)), undefined);
    assert.equal(decodePeerMetadata(Buffer.from('0a00', 'hex').toString('base64')), undefined);
  });
});

describe('metadata exchange filter', () => {
  it('client -> server -> client: each side learns the other, and the headers never reach the apps', () => {
    const out = metadataExchange({ direction: 'outbound', local: client }).create();
    const inb = metadataExchange({ direction: 'inbound', local: server }).create();
    const outInfo = httpInfo({ direction: 'outbound' });
    const inInfo = httpInfo({ direction: 'inbound' });
    // The app's request leaves through the client sidecar.
    const request: HeaderMap = { 'user-agent': 'curl', [PEER_METADATA]: 'spoofed' };
    assert.equal(out.decodeHeaders?.(request, callbacks(outInfo)), 'continue');
    assert.equal(request[PEER_METADATA_ID], client.nodeId);
    assert.equal(request[PEER_METADATA], encodePeerMetadata(client));
    // The server sidecar reads and strips them.
    assert.equal(inb.decodeHeaders?.(request, callbacks(inInfo)), 'continue');
    assert.deepEqual(request, { 'user-agent': 'curl' });
    assert.deepEqual(inInfo.downstreamPeer, client.metadata);
    // The app answers; the server sidecar adds its own; the client sidecar reads and strips them.
    const response: HeaderMap = { 'content-type': 'text/plain' };
    inb.encodeHeaders?.(200, response, callbacks(inInfo));
    assert.equal(response[PEER_METADATA_ID], server.nodeId);
    out.encodeHeaders?.(200, response, callbacks(outInfo));
    assert.deepEqual(response, { 'content-type': 'text/plain' });
    assert.deepEqual(outInfo.upstreamPeer, server.metadata);
  });

  it('inbound: a client outside the mesh gets no metadata back; undecodable metadata is ignored but stripped', () => {
    const inb = metadataExchange({ direction: 'inbound', local: server });
    const plain = inb.create();
    const info = httpInfo();
    plain.decodeHeaders?.({ host: 'x' }, callbacks(info));
    const response: HeaderMap = { [PEER_METADATA]: 'from-the-app' };
    plain.encodeHeaders?.(200, response, callbacks(info));
    assert.deepEqual(response, {});
    const bad = inb.create();
    const badInfo = httpInfo();
    const request: HeaderMap = { [PEER_METADATA]: '%%%', [PEER_METADATA_ID]: 'x' };
    bad.decodeHeaders?.(request, callbacks(badInfo));
    assert.deepEqual(request, {});
    assert.equal(badInfo.downstreamPeer, undefined);
  });
});
