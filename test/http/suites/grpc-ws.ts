/**
 * gRPC (grpc-js on a `grpc` port) and WebSocket (ws on an `http` port) through the mesh: unary
 * and server-streaming calls with their trailers, a non-zero grpc-status from the server
 * propagated to the client, gRPC message counts in Istio's metrics, and a WebSocket echo
 * (upgrade, messages both ways, close handshake).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { APPS, NODE, type Mesh } from '../harness.ts';

interface GrpcResult { reply?: string; messages?: number; code: number; details: string; trailers: Record<string, string> }

export function grpcWsSuite(mesh: () => Mesh): void {
  const grpc = async (...args: string[]): Promise<GrpcResult> =>
    JSON.parse((await mesh().exec('client', [NODE, join(APPS, 'grpc.ts'), ...args])).stdout) as GrpcResult;

  it('gRPC unary: the reply, grpc-status 0 and the server trailers come through', async () => {
    const r = await grpc('say', 'backend:50051', 'hello');
    assert.equal(r.reply, 'you said hello');
    assert.equal(r.code, 0);
    assert.equal(r.trailers['x-served-by'], 'grpc-app');
  });

  it('gRPC server streaming: every message, then status 0 with trailers', async () => {
    const r = await grpc('count', 'backend:50051', '25');
    assert.deepEqual([r.messages, r.code, r.trailers['x-count']], [25, 0, '25']);
  });

  it('gRPC: a non-zero status from the server (trailers-only response) reaches the client', async () => {
    const r = await grpc('say', 'backend:50051', 'x', '7');
    assert.deepEqual([r.code, r.details], [7, 'asked to fail with 7']);
  });

  it('gRPC calls are counted in istio_request_messages_total / istio_response_messages_total', async () => {
    const metrics = (await mesh().exec('client', ['curl', '-sS', 'http://127.0.0.1:15090/stats/prometheus'], { container: 'istio-proxy' })).stdout;
    const sum = (name: string): number => metrics.split('\n')
      .filter((l) => l.startsWith(`${name}{`) && l.includes('reporter="source"') && l.includes('destination_service="backend.httpmesh.svc.cluster.local"') && l.includes('request_protocol="grpc"'))
      .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    assert.ok(sum('istio_request_messages_total') >= 3, 'request messages');
    assert.ok(sum('istio_response_messages_total') >= 26, 'response messages (1 + 25 streamed)');
    assert.match(metrics, /istio_requests_total\{(?=[^}]*reporter="source")(?=[^}]*request_protocol="grpc")(?=[^}]*grpc_response_status="0")/);
  });

  it('WebSocket: upgrade, 20 messages echoed in order, clean close', async () => {
    const r = JSON.parse((await mesh().exec('client', [NODE, join(APPS, 'client.ts'), 'ws', 'ws://backend/chat', '20'])).stdout) as { opened: boolean; got: string[]; closeCode: number };
    assert.equal(r.opened, true, JSON.stringify(r));
    assert.deepEqual(r.got, Array.from({ length: 20 }, (_, i) => `m${i}`));
    assert.equal(r.closeCode, 1000);
  });
}
