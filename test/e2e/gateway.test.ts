/**
 * The ingress gateway on a real one-host mesh, as the seeds' first write-up follows traffic
 * through Istio's IngressGateway: `mizzen up` runs istio-ingressgateway (istio-system, `mizzen
 * gateway`, programmed by istiod) and exposes it on 127.0.0.1 only; curl from the host with a
 * Host header reaches the service the Gateway's VirtualService names; an unknown host gets 404
 * NR; the app sees the client address in x-forwarded-for and the gateway's x-envoy-* headers;
 * the gateway writes an access log line; a server with tls.httpsRedirect answers 301.
 *
 * On one host the client address is 127.0.0.1: every host client comes in on 127.0.0.1, and
 * the forwarder in the gateway pod dials the gateway from 127.0.0.1 there, so x-forwarded-for
 * is "127.0.0.1", an internal address (Envoy adds x-envoy-internal: true).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { sh } from '../helpers/netns.ts';

const stateDir = mkdtempSync(join(tmpdir(), 'mizzen-gateway-'));
const manifests = mkdtempSync(join(tmpdir(), 'mizzen-gateway-yaml-'));
const env = { ...process.env, MIZZEN_STATE_DIR: stateDir };
const cli = (args: string[]) => runCli(args, { env });
let url = '';

const echo = (name: string): string => `
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: edge}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 8000, targetPort: 8000}]
---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: edge, labels: {app: ${name}}}
spec:
  containers:
  - name: ${name}
    image: python:3.11-slim
    command: ["python3", "-c"]
    args:
    - |
      import http.server, json, os
      class H(http.server.BaseHTTPRequestHandler):
          def do_GET(self):
              body = json.dumps({"service": os.environ["HOSTNAME"], "headers": {k.lower(): v for k, v in self.headers.items()}}).encode() + b"\\n"
              self.send_response(200); self.send_header("content-type", "application/json")
              self.send_header("content-length", str(len(body))); self.end_headers(); self.wfile.write(body)
      http.server.ThreadingHTTPServer(("0.0.0.0", 8000), H).serve_forever()
    ports: [{containerPort: 8000}]
`;

const MESH = `
apiVersion: v1
kind: Namespace
metadata: {name: edge, labels: {istio-injection: enabled}}
---
${echo('echo')}
---
${echo('other')}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge-gateway, namespace: edge}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*.example.com"]
  - port: {number: 80, name: http-redirect, protocol: HTTP}
    hosts: ["secure.example.org"]
    tls: {httpsRedirect: true}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: echo, namespace: edge}
spec:
  hosts: [echo.example.com]
  gateways: [edge-gateway]
  http:
  - route: [{destination: {host: echo}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: other, namespace: edge}
spec:
  hosts: [other.example.com]
  gateways: [edge/edge-gateway]
  http:
  - route: [{destination: {host: other.edge.svc.cluster.local, port: {number: 8000}}}]
`;

interface Reply { status: number; headers: string; body: string }

function curl(host: string, path = '/'): Reply {
  const r = sh(['curl', '-sS', '--max-time', '10', '-D', '-', '-H', `Host: ${host}`, `${url}${path}`]);
  assert.equal(r.code, 0, r.stderr);
  const [head = '', body = ''] = r.stdout.split('\r\n\r\n', 2);
  return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0), headers: head.toLowerCase(), body };
}

before(async () => {
  writeFileSync(join(manifests, 'mesh.yaml'), MESH);
  const up = await cli(['up', '-f', manifests]);
  assert.equal(up.code, 0, up.stderr);
  url = /istio-ingressgateway: (http:\/\/127\.0\.0\.1:\d+)/.exec(up.stdout)?.[1] ?? '';
  assert.ok(url, `up prints the gateway address:\n${up.stdout}`);
  const mesh = JSON.parse(readFileSync(join(stateDir, 'mesh.json'), 'utf8')) as { ingressGateway?: string };
  assert.equal(mesh.ingressGateway, url, 'mesh.json records it');
  // The gateway is ready once it has config; the VirtualServices may follow a push later.
  for (let i = 0; i < 60 && curl('other.example.com').status !== 200; i++) await new Promise((r) => setTimeout(r, 500));
});

after(async () => {
  const down = await cli(['down']);
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(manifests, { recursive: true, force: true });
  assert.equal(down.code, 0, down.stderr);
});

describe('the ingress gateway on a one-host mesh', () => {
  it('routes by host name from the host to the right service, answering as istio-envoy', () => {
    const a = curl('echo.example.com', '/hello');
    assert.equal(a.status, 200, a.body);
    assert.equal((JSON.parse(a.body) as { service: string }).service, 'echo');
    assert.match(a.headers, /^server: istio-envoy$/m);
    assert.match(a.headers, /^x-envoy-upstream-service-time: \d+$/m);
    const b = curl('other.example.com:80');
    assert.equal((JSON.parse(b.body) as { service: string }).service, 'other');
  });

  it('answers 404 for a host no VirtualService routes', () => {
    assert.equal(curl('unknown.example.com').status, 404);
    assert.equal(curl('echo.example.net').status, 404);
  });

  it('hands the app the client address in x-forwarded-for, and the x-envoy headers', () => {
    const { headers } = JSON.parse(curl('echo.example.com').body) as { headers: Record<string, string> };
    assert.equal(headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(headers['x-forwarded-proto'], 'http');
    assert.equal(headers['x-envoy-internal'], 'true');
    assert.equal(headers['x-envoy-attempt-count'], '1');
    assert.match(headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(headers['host'], 'echo.example.com');
    assert.equal(headers['x-envoy-peer-metadata'], undefined, 'the app\'s sidecar keeps the metadata exchange to itself');
  });

  it('sends a 301 to https for the hosts of a server with tls.httpsRedirect', () => {
    const r = curl('secure.example.org', '/login?next=1');
    assert.equal(r.status, 301);
    assert.match(r.headers, /^location: https:\/\/secure\.example\.org\/login\?next=1$/m);
  });

  it('writes Istio\'s access log line for each request, with the client and the route\'s cluster', async () => {
    curl('echo.example.com', '/logged');
    const pods = await cli(['get', 'pods', '-n', 'istio-system', '-o', 'name']);
    const gw = pods.stdout.split('\n').find((l) => l.includes('istio-ingressgateway'))?.split('/')[1] ?? '';
    assert.ok(gw, pods.stdout);
    let log = '';
    for (let i = 0; i < 20 && !log.includes('/logged'); i++) {
      log = (await cli(['logs', gw, '-n', 'istio-system'])).stdout;
      if (!log.includes('/logged')) await new Promise((r) => setTimeout(r, 250));
    }
    const line = log.split('\n').find((l) => l.includes('"GET /logged HTTP/1.1"')) ?? '';
    assert.match(line, /"GET \/logged HTTP\/1\.1" 200 - via_upstream - "-" 0 \d+ \d+ \d+ "127\.0\.0\.1" "curl\/[^"]+" "[0-9a-f-]{36}" "echo\.example\.com" "10\.250\.\d+\.\d+:8000" outbound\|8000\|\|echo\.edge\.svc\.cluster\.local /);
    assert.match(log, /"GET \/ HTTP\/1\.1" 404 NR route_not_found/);
  });

  it('shows the host address in get svc, and listens on 127.0.0.1 only', async () => {
    const port = Number(new URL(url).port);
    const svc = await cli(['get', 'svc', '-n', 'istio-system', 'istio-ingressgateway']);
    assert.match(svc.stdout, new RegExp(`istio-ingressgateway\\s+ClusterIP\\s+\\S+\\s+127\\.0\\.0\\.1\\s+15021/TCP,80:${port}/TCP,443/TCP`));
    const listening = sh(['ss', '-Hltn', `sport = :${port}`]).stdout.trim().split('\n');
    assert.deepEqual(listening.map((l) => l.split(/\s+/)[3]), [`127.0.0.1:${port}`]);
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.2', port });
      s.on('connect', () => { s.destroy(); resolve(false); });
      s.on('error', () => resolve(true));
    });
    assert.ok(refused, 'nothing answers on another host address');
  });
});
