/**
 * Issue 5 end to end: real clients and servers in a real one-host mesh (test/http/mesh), every
 * request going client -> its sidecar -> the server's sidecar -> app. One mesh and one
 * Prometheus serve all the suites (in suites/, run in this order); after() stops Prometheus and
 * runs `mizzen down` even when a test or before() failed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { meshDown, meshUp, type Mesh } from './harness.ts';
import { Prometheus } from './prometheus.ts';
import { grpcWsSuite } from './suites/grpc-ws.ts';
import { http1Suite } from './suites/http1.ts';
import { loadSuite } from './suites/load.ts';
import { protocolsSuite } from './suites/protocols.ts';
import { streamingSuite } from './suites/streaming.ts';
import { telemetrySuite } from './suites/telemetry.ts';

let mesh: Mesh | undefined;
let prom: Prometheus | undefined;
const theMesh = (): Mesh => mesh ?? assert.fail('the mesh is not up');
const theProm = (): Prometheus => prom ?? assert.fail('prometheus is not running');

before(async () => {
  mesh = await meshUp();
  const targets = Object.fromEntries(Object.entries(mesh.podIp));
  prom = new Prometheus(join(mesh.dir, 'prometheus'), mesh.nodeNetns);
  await prom.start(targets);
});

after(async () => {
  await prom?.stop();
  await meshDown();
});

describe('HTTP/1.1 through the mesh (curl, raw sockets)', () => http1Suite(theMesh));
describe('load: h2load over HTTP/1.1 and h2c, and a slow reader', () => loadSuite(theMesh));
describe('gRPC and WebSocket through the mesh', () => grpcWsSuite(theMesh));
describe('large bodies stream', () => streamingSuite(theMesh));
describe('protocol selection: sniffing and server-first protocols', () => protocolsSuite(theMesh));
describe('telemetry: access logs and a real Prometheus', () => telemetrySuite(theMesh, theProm));
