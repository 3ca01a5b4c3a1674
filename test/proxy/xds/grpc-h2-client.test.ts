/**
 * The sidecar's gRPC client (grpc-h2-client.ts) on real sockets: against @grpc/grpc-js (the
 * control plane's server) a bidi echo in both directions, the server's status and message from
 * the trailers, a unix socket; against hand-made HTTP/2 servers what gRPC's spec says of
 * trailers-only responses, HTTP errors, oversized and split messages; a refused connection is
 * UNAVAILABLE; and a cancelled call reports nothing.
 */
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Http2Server, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { GrpcFrameDecoder, grpcFrame } from '../../../src/proxy/xds/grpc-frame.ts';
import { GrpcBidiCall, type GrpcStatus } from '../../../src/proxy/xds/grpc-h2-client.ts';
import { Status } from '../../../src/proxy/xds/grpc-status.ts';

const PATH = '/test.Echo/Chat';
const text = { serialize: (m: string) => Buffer.from(m), deserialize: (b: Buffer) => b.toString() };

interface Run { call: GrpcBidiCall<string, string>; messages: string[]; metadata: number; status: Promise<GrpcStatus> }

function open(target: string, max = 1024 * 1024): Run {
  const messages: string[] = [];
  let metadata = 0;
  let call!: GrpcBidiCall<string, string>;
  const status = new Promise<GrpcStatus>((resolve) => {
    call = new GrpcBidiCall({ target, path: PATH, ...text, maxReceiveMessageLength: max, handlers: { metadata: () => metadata++, message: (m) => messages.push(m), status: resolve } });
  });
  return { call, messages, status, get metadata() { return metadata; } };
}

async function grpcServer(address: string, chat: (call: grpc.ServerDuplexStream<string, string>) => void): Promise<{ server: grpc.Server; target: string }> {
  const server = new grpc.Server();
  server.addService({ Chat: { path: PATH, requestStream: true, responseStream: true, requestSerialize: text.serialize, requestDeserialize: text.deserialize, responseSerialize: text.serialize, responseDeserialize: text.deserialize } } as grpc.ServiceDefinition, { Chat: chat });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { server, target: address.startsWith('unix:') ? address : `127.0.0.1:${port}` };
}

async function h2Server(onStream: (s: ServerHttp2Stream) => void): Promise<{ server: Http2Server; target: string }> {
  const server = createServer();
  server.on('stream', onStream);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, target: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const until = async (f: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
};

const dir = mkdtempSync(join(tmpdir(), 'mizzen-grpc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('GrpcBidiCall against @grpc/grpc-js', () => {
  it('streams both ways, then reports the status and message the server ends with', async () => {
    const { server, target } = await grpcServer('127.0.0.1:0', (call) => {
      call.on('data', (m: string) => (m === 'bye' ? call.emit('error', { code: grpc.status.FAILED_PRECONDITION, details: 'no more: é' }) : call.write(`echo ${m}`)));
    });
    const r = open(target);
    r.call.write('a');
    r.call.write('b');
    await until(() => r.messages.length === 2);
    r.call.write('bye');
    const s = await r.status;
    assert.deepEqual(r.messages, ['echo a', 'echo b']);
    assert.equal(r.metadata, 1);
    assert.deepEqual(s, { code: Status.FAILED_PRECONDITION, details: 'no more: é' });
    assert.equal(r.call.writable, false);
    server.forceShutdown();
  });

  it('works over a unix socket; a server shut down mid-call resets the stream (CANCELLED, as grpc-js says)', async () => {
    const { server, target } = await grpcServer(`unix:${join(dir, 'ads.sock')}`, (call) => call.on('data', (m: string) => call.write(m)));
    const r = open(target);
    r.call.write('over unix');
    await until(() => r.messages.length === 1);
    server.forceShutdown();
    const s = await r.status;
    assert.deepEqual(r.messages, ['over unix']);
    assert.ok(s.code === Status.CANCELLED || s.code === Status.UNAVAILABLE, `${s.code} ${s.details}`);
  });
});

describe('GrpcBidiCall, as the gRPC spec has it', () => {
  it('takes the status of a trailers-only response', async () => {
    const { server, target } = await h2Server((s) => s.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12', 'grpc-message': 'not%20here' }, { endStream: true }));
    const r = open(target);
    assert.deepEqual(await r.status, { code: Status.UNIMPLEMENTED, details: 'not here' });
    assert.equal(r.metadata, 0);
    server.close();
  });

  it('maps an HTTP error without grpc-status (503 -> UNAVAILABLE)', async () => {
    const { server, target } = await h2Server((s) => s.respond({ ':status': 503 }, { endStream: true }));
    assert.equal((await open(target).status).code, Status.UNAVAILABLE);
    server.close();
  });

  it('reassembles messages split across DATA frames and several in one', async () => {
    const { server, target } = await h2Server((s) => {
      s.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      s.on('wantTrailers', () => s.sendTrailers({ 'grpc-status': '0' }));
      const all = Buffer.concat([grpcFrame(Buffer.from('x'.repeat(70_000))), grpcFrame(Buffer.from('one')), grpcFrame(Buffer.alloc(0))]);
      s.write(all.subarray(0, 3));
      setTimeout(() => s.end(all.subarray(3)), 20);
    });
    const r = open(target);
    assert.deepEqual(await r.status, { code: Status.OK, details: '' });
    assert.deepEqual(r.messages.map((m) => m.length), [70_000, 3, 0]);
    server.close();
  });

  it('refuses a message over the receive limit with RESOURCE_EXHAUSTED', async () => {
    const { server, target } = await h2Server((s) => {
      s.respond({ ':status': 200, 'content-type': 'application/grpc' });
      s.write(grpcFrame(Buffer.alloc(100)));
    });
    const s = await open(target, 64).status;
    assert.equal(s.code, Status.RESOURCE_EXHAUSTED);
    server.close();
  });

  it('is UNAVAILABLE when nothing listens; a cancelled call reports nothing', async () => {
    const { server, target } = await h2Server(() => {});
    server.close();
    await new Promise((r) => setTimeout(r, 50));
    const s = await open(target).status;
    assert.equal(s.code, Status.UNAVAILABLE);
    assert.match(s.details, /No connection established.*ECONNREFUSED/);
    let heard = false;
    const c = new GrpcBidiCall({ target, path: PATH, ...text, maxReceiveMessageLength: 64, handlers: { metadata: () => {}, message: () => {}, status: () => (heard = true) } });
    c.cancel();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(heard, false);
  });
});

describe('GrpcFrameDecoder', () => {
  it('returns whole messages as bytes arrive, one at a time', () => {
    const d = new GrpcFrameDecoder(1024);
    const bytes = Buffer.concat([grpcFrame(Buffer.from('hello')), grpcFrame(Buffer.from('world'))]);
    const out: string[] = [];
    for (const b of bytes) out.push(...d.push(Buffer.from([b])).map(String));
    assert.deepEqual(out, ['hello', 'world']);
    assert.throws(() => new GrpcFrameDecoder(8).push(Buffer.from([1, 0, 0, 0, 1, 0])), /compressed/);
  });
});
