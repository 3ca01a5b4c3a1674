/**
 * The xDS codec: Envoy resources in proto3 JSON survive encode/decode (wrappers, Duration,
 * Struct, nested Any), bad resources are refused with the field named, and a real gRPC stream
 * over the ADS service definition carries requests (node metadata as JSON) and responses.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { adsServiceDefinition, type DiscoveryRequest, type DiscoveryResponse } from '../../src/core/xds/ads-service.ts';
import { formatDuration, parseDuration } from '../../src/core/xds/json.ts';
import { decodeAny, encodeAny } from '../../src/core/xds/protos.ts';
import { TypeUrls } from '../../src/core/xds/type-urls.ts';

const listener = {
  name: 'virtualOutbound',
  address: { socketAddress: { address: '0.0.0.0', portValue: 15001 } },
  filterChains: [{ filters: [{ name: 'envoy.filters.network.tcp_proxy', typedConfig: {
    '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
    statPrefix: 'PassthroughCluster', cluster: 'PassthroughCluster', idleTimeout: '3600.5s',
  } }], name: 'PassthroughFilterChain' }],
  useOriginalDst: true,
  metadata: { filterMetadata: { istio: { config: '/apis/x', n: 2, ok: true, list: [1, 'a'] } } },
  trafficDirection: 'OUTBOUND',
};

describe('xDS codec', () => {
  it('round-trips a listener with wrappers, durations, structs and a nested Any', () => {
    const any = encodeAny(TypeUrls.listener, listener);
    assert.deepEqual(decodeAny(any).object, listener);
  });

  it('refuses an unknown field or a bad duration, naming where', () => {
    assert.throws(() => encodeAny(TypeUrls.cluster, { name: 'x', connectTimeot: '1s' }), /Cluster: unknown field "connectTimeot"/);
    assert.throws(() => encodeAny(TypeUrls.cluster, { name: 'x', connectTimeout: '1 second' }), /invalid duration "1 second"/);
  });

  it("uses proto3 JSON names for fields with digits (consecutive5xx), and accepts the proto's snake_case", () => {
    const cluster = { name: 'c', outlierDetection: { consecutive5xx: 7, enforcingConsecutive5xx: 100 } };
    assert.deepEqual(decodeAny(encodeAny(TypeUrls.cluster, cluster)).object, cluster);
    const snake = decodeAny(encodeAny(TypeUrls.cluster, { name: 'c', outlier_detection: { consecutive_5xx: 7 } })).object;
    assert.deepEqual(snake, { name: 'c', outlierDetection: { consecutive5xx: 7 } });
  });

  it('parses and formats durations as proto3 JSON does', () => {
    assert.deepEqual(parseDuration('1.5s'), { seconds: '1', nanos: 500_000_000 });
    assert.equal(formatDuration({ seconds: '10', nanos: 0 }), '10s');
    assert.equal(formatDuration({ seconds: '0', nanos: 250_000_000 }), '0.25s');
  });

  describe('over a real gRPC stream', () => {
    const server = new grpc.Server();
    after(() => server.forceShutdown());

    it('carries a request with node metadata and a response with encoded resources', async () => {
      const seen: DiscoveryRequest[] = [];
      server.addService(adsServiceDefinition(), {
        StreamAggregatedResources: (call: grpc.ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>) => {
          call.on('data', (req: DiscoveryRequest) => {
            seen.push(req);
            call.write({ versionInfo: '1', nonce: 'n1', typeUrl: TypeUrls.listener, resources: [encodeAny(TypeUrls.listener, listener)] });
          });
        },
        DeltaAggregatedResources: (call: grpc.ServerDuplexStream<unknown, unknown>) => call.end(),
      });
      const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
      const Client = grpc.makeGenericClientConstructor(adsServiceDefinition(), 'AggregatedDiscoveryService');
      const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
        StreamAggregatedResources(): grpc.ClientDuplexStream<DiscoveryRequest, DiscoveryResponse>;
      };
      const stream = client.StreamAggregatedResources();
      stream.on('error', () => {}); // the CANCELLED status from our own cancel() below
      const response = new Promise<DiscoveryResponse>((resolve) => stream.once('data', resolve));
      stream.write({ node: { id: 'sidecar~10.0.0.1~a.default~default.svc.cluster.local', metadata: { NAMESPACE: 'default', LABELS: { app: 'a' } } }, typeUrl: TypeUrls.listener });
      const res = await response;
      stream.cancel();
      client.close();
      assert.equal(seen[0]?.node?.metadata?.['NAMESPACE'], 'default');
      assert.deepEqual(seen[0]?.node?.metadata?.['LABELS'], { app: 'a' });
      assert.equal(res.nonce, 'n1');
      assert.deepEqual(decodeAny(res.resources[0] ?? { typeUrl: '', value: new Uint8Array() }).object, listener);
    });
  });
});
