/**
 * SDS on the proxy, over a real ADS stream: a listener whose DownstreamTlsContext names a secret
 * (`kubernetes://cert`, sds_config ads) makes the proxy subscribe to that name, and it is not
 * ready (the listener is not bound) until the Secret arrives; then a real TLS client gets that
 * certificate. A new version of the Secret rotates the certificate for new connections without
 * rebinding the listener, and a connection made before keeps flowing; a Secret whose key does
 * not match its certificate is NACKed naming the Secret and field, and the last good one stays.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connect, type TLSSocket } from 'node:tls';
import { TypeUrls } from '../../../src/core/xds/type-urls.ts';
import { waitFor } from '../../helpers/netns.ts';
import { makeTestCerts } from '../../helpers/tls-certs.ts';
import { closeServer, echoServer, listenOn, startTestSidecar, type TestSidecar } from '../support.ts';
import { AdsPeer } from './ads-peer.ts';
import { CDS, LDS, cla, passthroughClusters, TCP_PROXY, virtualOutbound } from './resources.ts';

const SDS = TypeUrls.secret;
const first = makeTestCerts(['sds.example.com']);
const second = makeTestCerts(['sds.example.com']);
const stops: (() => unknown)[] = [];
const peer = new AdsPeer();
let t: TestSidecar;
let tlsPort = 0;

const inline = (file: string): Record<string, string> => ({ inlineBytes: readFileSync(file).toString('base64') });
const secret = (c: typeof first, key = c.serverKey): Record<string, unknown> =>
  ({ name: 'kubernetes://cert', tlsCertificate: { certificateChain: inline(c.serverCert), privateKey: inline(key) } });
const fingerprint = (c: typeof first): string => new X509Certificate(readFileSync(c.serverCert)).fingerprint256;

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

function open(): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: tlsPort, servername: 'sds.example.com', rejectUnauthorized: false }, () => resolve(s));
    s.once('error', reject);
  });
}

function roundTrip(s: TLSSocket, text: string): Promise<string> {
  return new Promise((resolve) => {
    s.once('data', (d: Buffer) => resolve(d.toString()));
    s.write(text);
  });
}

async function served(): Promise<string> {
  const s = await open();
  const fp = s.getPeerX509Certificate()?.fingerprint256 ?? '';
  s.destroy();
  return fp;
}

before(async () => {
  const echo = echoServer((s) => s.pipe(s));
  const echoPort = await listenOn(echo, '127.0.0.5', 0);
  stops.push(() => closeServer(echo));
  tlsPort = await freePort();
  peer.setAll({
    [CDS]: [{ name: 'echo', type: 'STATIC', connectTimeout: '1s', loadAssignment: cla('echo', [{ ip: '127.0.0.5', port: echoPort }]) }, ...passthroughClusters()],
    [LDS]: [virtualOutbound(), {
      name: `127.0.0.1_${tlsPort}`, address: { socketAddress: { address: '127.0.0.1', portValue: tlsPort } }, bindToPort: true,
      filterChains: [{
        transportSocket: { name: 'envoy.transport_sockets.tls', typedConfig: {
          '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
          commonTlsContext: { tlsCertificateSdsSecretConfigs: [{ name: 'kubernetes://cert', sdsConfig: { ads: {}, resourceApiVersion: 'V3' } }] },
        } },
        filters: [{ name: 'envoy.filters.network.tcp_proxy', typedConfig: { '@type': TCP_PROXY, statPrefix: 'echo', cluster: 'echo' } }],
      }],
    }],
  });
  await peer.start();
  stops.push(() => peer.stop());
  t = await startTestSidecar({ 'discovery-address': peer.address });
  stops.push(() => t.sidecar.shutdown(0));
});
after(async () => {
  for (const s of stops.reverse()) await s();
  for (const c of [first, second]) rmSync(c.dir, { recursive: true, force: true });
});

describe('SDS: listener certificates by secret name over ADS', () => {
  it('subscribes to the secret its listener names, and is ready only once it has it', async () => {
    await peer.waitFor((r) => r.typeUrl === SDS && (r.resourceNames ?? []).join() === 'kubernetes://cert', 'an SDS request for kubernetes://cert');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(t.sidecar.status.live, false, 'not ready without the secret');
    peer.set(SDS, [secret(first)]);
    await waitFor(() => t.sidecar.status.live, 10_000, 'ready');
    assert.equal(await served(), fingerprint(first));
  });

  it('a new secret version rotates the certificate; the listener stays bound and an open connection keeps flowing', async () => {
    const kept = await open();
    assert.equal(await roundTrip(kept, 'before'), 'before');
    peer.set(SDS, [secret(second)]);
    const ack = await peer.replyTo(peer.lastNonce(SDS));
    assert.equal(ack.errorDetail, undefined);
    assert.equal(await served(), fingerprint(second));
    assert.equal(await roundTrip(kept, 'after'), 'after', 'the connection made with the old certificate');
    kept.destroy();
    assert.ok(t.logs.every((l) => !l.includes(readFileSync(second.serverKey, 'utf8').split('\n')[1] ?? '-')), 'no key bytes in the log');
  });

  it('a secret whose key does not match its certificate is NACKed naming it; the last good certificate stays', async () => {
    peer.set(SDS, [secret(first, second.serverKey)]);
    const nack = await peer.replyTo(peer.lastNonce(SDS));
    assert.match(nack.errorDetail?.message ?? '', /^Secret kubernetes:\/\/cert: tlsCertificate: the certificate and key cannot be loaded together/);
    assert.equal(await served(), fingerprint(second));
  });
});
