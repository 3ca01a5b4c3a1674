/**
 * HTTPS and TLS at the ingress gateway on a real one-host mesh: `mizzen up` exposes the
 * gateway's TLS port (443 -> 8443) on https://127.0.0.1:PORT; certificates are made with
 * openssl for the test. SIMPLE: curl trusting the test CA reaches the service the
 * VirtualService names, TLS ended at the gateway. MUTUAL: refused at the handshake without a
 * client certificate or with one from another CA, served with one the CA signed. PASSTHROUGH:
 * the gateway routes by SNI to an app that terminates TLS itself (the bytes pass untouched).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { sh } from '../helpers/netns.ts';
import { EDGE_ECHO } from '../helpers/edge-echo.ts';
import { makeTestCerts } from '../helpers/tls-certs.ts';

const stateDir = mkdtempSync(join(tmpdir(), 'mizzen-gateway-tls-'));
const manifests = mkdtempSync(join(tmpdir(), 'mizzen-gateway-tls-yaml-'));
const env = { ...process.env, MIZZEN_STATE_DIR: stateDir };
const cli = (args: string[]) => runCli(args, { env });
const certs = makeTestCerts(['bookinfo.example.com', 'mtls.example.com', 'secure.example.com']);
let port = '';

const MESH = `${EDGE_ECHO}---
apiVersion: v1
kind: Service
metadata: {name: tls-app, namespace: edge}
spec:
  selector: {app: tls-app}
  ports: [{name: tcp-tls, port: 443, targetPort: 8443}]
---
apiVersion: v1
kind: Pod
metadata: {name: tls-app, namespace: edge, labels: {app: tls-app}}
spec:
  containers:
  - name: tls-app
    image: python:3.11-slim
    command: ["python3", "-c"]
    args:
    - |
      import http.server, ssl
      class H(http.server.BaseHTTPRequestHandler):
          def do_GET(self):
              body = b"tls-app terminated TLS itself\\n"
              self.send_response(200); self.send_header("content-length", str(len(body))); self.end_headers(); self.wfile.write(body)
      s = http.server.ThreadingHTTPServer(("0.0.0.0", 8443), H)
      ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain("${certs.serverCert}", "${certs.serverKey}")
      s.socket = ctx.wrap_socket(s.socket, server_side=True)
      s.serve_forever()
    ports: [{containerPort: 8443}]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: tls-gateway, namespace: edge}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [bookinfo.example.com]
    tls: {mode: SIMPLE, serverCertificate: "${certs.serverCert}", privateKey: "${certs.serverKey}"}
  - port: {number: 443, name: https-mtls, protocol: HTTPS}
    hosts: [mtls.example.com]
    tls: {mode: MUTUAL, serverCertificate: "${certs.serverCert}", privateKey: "${certs.serverKey}", caCertificates: "${certs.ca}"}
  - port: {number: 443, name: tls, protocol: TLS}
    hosts: [secure.example.com]
    tls: {mode: PASSTHROUGH}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: echo, namespace: edge}
spec:
  hosts: [bookinfo.example.com, mtls.example.com]
  gateways: [tls-gateway]
  http:
  - route: [{destination: {host: echo}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: tls-app, namespace: edge}
spec:
  hosts: [secure.example.com]
  gateways: [tls-gateway]
  tls:
  - match: [{sniHosts: [secure.example.com]}]
    route: [{destination: {host: tls-app, port: {number: 443}}}]
`;

interface Reply { code: number; status: number; body: string; stderr: string }

function curl(host: string, path = '/', extra: string[] = []): Reply {
  const r = sh(['curl', '-sS', '--max-time', '10', '--resolve', `${host}:${port}:127.0.0.1`, '--cacert', certs.ca, '-w', '\n%{http_code}', ...extra, `https://${host}:${port}${path}`]);
  const i = r.stdout.lastIndexOf('\n');
  return { code: r.code, status: Number(r.stdout.slice(i + 1)), body: r.stdout.slice(0, Math.max(i, 0)), stderr: r.stderr };
}

before(async () => {
  writeFileSync(join(manifests, 'mesh.yaml'), MESH);
  const up = await cli(['up', '-f', manifests]);
  assert.equal(up.code, 0, up.stderr);
  const url = /istio-ingressgateway: (https:\/\/127\.0\.0\.1:\d+)/.exec(up.stdout)?.[1] ?? '';
  assert.ok(url, `up prints the gateway's https address:\n${up.stdout}`);
  port = new URL(url).port;
  const mesh = JSON.parse(readFileSync(join(stateDir, 'mesh.json'), 'utf8')) as { ingressGatewayHttps?: string };
  assert.equal(mesh.ingressGatewayHttps, url, 'mesh.json records it');
  // The gateway is ready once it has config; the TLS listener and routes may follow a push later.
  for (let i = 0; i < 40 && curl('bookinfo.example.com', '/', ['--http1.1']).status !== 200; i++) await new Promise((r) => setTimeout(r, 500));
});

after(async () => {
  const down = await cli(['down']);
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(manifests, { recursive: true, force: true });
  rmSync(certs.dir, { recursive: true, force: true });
  assert.equal(down.code, 0, down.stderr);
});

describe('HTTPS and TLS at the ingress gateway', () => {
  it('SIMPLE: terminates TLS with the server certificate and routes by host', () => {
    const r = curl('bookinfo.example.com', '/productpage');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.status, 200, r.body);
    const body = JSON.parse(r.body) as { service: string; headers: Record<string, string> };
    assert.equal(body.service, 'echo');
    assert.match(body.headers['host'] ?? '', /^bookinfo\.example\.com(:\d+)?$/);
    // curl negotiates h2 by ALPN; the request's :scheme is https.
    assert.equal(body.headers['x-forwarded-proto'], 'https');
    const h1 = curl('bookinfo.example.com', '/', ['--http1.1']);
    assert.equal(h1.status, 200, h1.stderr);
    assert.equal((JSON.parse(h1.body) as { headers: Record<string, string> }).headers['x-forwarded-proto'], 'https', 'HTTP/1.1 over TLS is https too');
  });

  it('SIMPLE: a client that does not trust the CA fails verification', () => {
    const r = sh(['curl', '-sS', '--max-time', '10', '--resolve', `bookinfo.example.com:${port}:127.0.0.1`, `https://bookinfo.example.com:${port}/`]);
    assert.notEqual(r.code, 0);
  });

  it('MUTUAL: refused at the handshake without a client certificate or with a stranger\'s; served with one the CA signed', () => {
    const none = curl('mtls.example.com');
    assert.notEqual(none.code, 0, `no client certificate: ${none.body}`);
    const stranger = curl('mtls.example.com', '/', ['--cert', certs.strangerCert, '--key', certs.strangerKey]);
    assert.notEqual(stranger.code, 0, `another CA's certificate: ${stranger.body}`);
    const ok = curl('mtls.example.com', '/', ['--cert', certs.clientCert, '--key', certs.clientKey]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.status, 200, ok.body);
    assert.equal((JSON.parse(ok.body) as { service: string }).service, 'echo');
  });

  it('PASSTHROUGH: routes by SNI to an app that terminates TLS itself', () => {
    const r = curl('secure.example.com', '/');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.status, 200, r.body);
    assert.equal(r.body.trim(), 'tls-app terminated TLS itself');
  });

  it('an SNI no server names is closed (no filter chain)', () => {
    const r = curl('unknown.example.com');
    assert.notEqual(r.code, 0);
  });
});
