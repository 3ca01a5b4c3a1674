/**
 * Gateway credentials from Kubernetes Secrets (credentialName) and TLS-terminating TCP servers,
 * on a real one-host mesh. Secrets are applied as users write them (`kubernetes.io/tls` with
 * base64 `data`, the generic `key`/`cert`/`cacert` form in `stringData`); istiod serves them to
 * the ingress gateway by SDS over ADS, and curl, openssl-made certificates and Node's TLS client
 * check what the gateway presents: SIMPLE and MUTUAL over HTTPS; a `protocol: TLS` server
 * terminating TLS and routing the plain stream by a `tcp` route; a `protocol: TCP` server; a
 * server whose Secret is missing is left out (istiod's log says why) until the Secret is
 * applied, and again once it is deleted; rotating a Secret changes the served certificate with no restart, and a connection
 * made before keeps working; a malformed Secret is refused naming Secret, field and value,
 * without showing key bytes, and nothing in that apply is applied.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, type TLSSocket } from 'node:tls';
import { ISTIOD_UID } from '../../src/runtime/istio/istiod.ts';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { sh } from '../helpers/netns.ts';
import { EDGE_ECHO } from '../helpers/edge-echo.ts';
import { makeTestCerts } from '../helpers/tls-certs.ts';

const stateDir = mkdtempSync(join(tmpdir(), 'mizzen-gateway-cred-'));
const manifests = mkdtempSync(join(tmpdir(), 'mizzen-gateway-cred-yaml-'));
const env = { ...process.env, MIZZEN_STATE_DIR: stateDir };
const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, { env });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const HOSTS = ['cred.example.com', 'mtls.example.com', 'later.example.com', 'tcp.example.com'];
const certs = makeTestCerts(HOSTS);
const rotated = makeTestCerts(HOSTS);
const b64 = (file: string): string => readFileSync(file).toString('base64');
const indent = (file: string, n: number): string => readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => `${' '.repeat(n)}${l}`).join('\n');
let port = '';

const APP = `${EDGE_ECHO}---
apiVersion: v1
kind: Service
metadata: {name: tcp-echo, namespace: edge}
spec:
  selector: {app: tcp-echo}
  ports: [{name: tcp, port: 9000, targetPort: 9000}]
---
apiVersion: v1
kind: Pod
metadata: {name: tcp-echo, namespace: edge, labels: {app: tcp-echo}}
spec:
  containers:
  - name: tcp-echo
    image: python:3.11-slim
    command: ["python3", "-c"]
    args:
    - |
      import socketserver
      class Echo(socketserver.BaseRequestHandler):
          def handle(self):
              while True:
                  data = self.request.recv(4096)
                  if not data: return
                  self.request.sendall(b"plain " + data)
      class S(socketserver.ThreadingTCPServer):
          allow_reuse_address = True
          daemon_threads = True
      S(("0.0.0.0", 9000), Echo).serve_forever()
    ports: [{containerPort: 9000}]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: cred-gateway, namespace: edge}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https-cred, protocol: HTTPS}
    hosts: [cred.example.com]
    tls: {mode: SIMPLE, credentialName: cred-tls}
  - port: {number: 443, name: https-mtls, protocol: HTTPS}
    hosts: [mtls.example.com]
    tls: {mode: MUTUAL, credentialName: cred-generic}
  - port: {number: 443, name: https-later, protocol: HTTPS}
    hosts: [later.example.com]
    tls: {mode: SIMPLE, credentialName: later-cred}
  - port: {number: 443, name: tls-terminated, protocol: TLS}
    hosts: [tcp.example.com]
    tls: {mode: SIMPLE, credentialName: cred-tls}
  - port: {number: 31400, name: tcp, protocol: TCP}
    hosts: ["*"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: echo, namespace: edge}
spec:
  hosts: [cred.example.com, mtls.example.com, later.example.com]
  gateways: [cred-gateway]
  http:
  - route: [{destination: {host: echo}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: tcp-echo, namespace: edge}
spec:
  hosts: [tcp.example.com]
  gateways: [cred-gateway]
  tcp:
  - match: [{port: 443}]
    route: [{destination: {host: tcp-echo, port: {number: 9000}}}]
  - match: [{port: 31400}]
    route: [{destination: {host: tcp-echo, port: {number: 9000}}}]
`;

const tlsSecret = (name: string, c: typeof certs): string => `
apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: istio-system}
type: kubernetes.io/tls
data:
  tls.crt: ${b64(c.serverCert)}
  tls.key: ${b64(c.serverKey)}
`;

const GENERIC = `
apiVersion: v1
kind: Secret
metadata: {name: cred-generic, namespace: istio-system}
type: Opaque
stringData:
  cert: |
${indent(certs.serverCert, 4)}
  key: |
${indent(certs.serverKey, 4)}
  cacert: |
${indent(certs.ca, 4)}
`;

interface Reply { code: number; status: number; body: string; stderr: string }

function curl(host: string, extra: string[] = [], ca = certs.ca): Reply {
  const r = sh(['curl', '-sS', '--max-time', '10', '--resolve', `${host}:${port}:127.0.0.1`, '--cacert', ca, '-w', '\n%{http_code}', ...extra, `https://${host}:${port}/`]);
  const i = r.stdout.lastIndexOf('\n');
  return { code: r.code, status: Number(r.stdout.slice(i + 1)), body: r.stdout.slice(0, Math.max(i, 0)), stderr: r.stderr };
}

async function until(ok: () => boolean | Promise<boolean>, why: string, tries = 60): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await ok()) return;
    await sleep(500);
  }
  assert.fail(`timed out waiting for ${why}`);
}

/** A TLS connection to the gateway (Node's client, no verification): what it presents. */
function open(sni: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: Number(port), servername: sni, rejectUnauthorized: false }, () => resolve(s));
    s.once('error', reject);
  });
}

async function servedFingerprint(sni: string): Promise<string> {
  const s = await open(sni);
  const fp = s.getPeerX509Certificate()?.fingerprint256 ?? '';
  s.destroy();
  return fp;
}

/** One HTTP/1.1 request on an open TLS connection; the response head and body. */
function request(s: TLSSocket, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer): void => {
      text += d.toString();
      const m = /content-length: (\d+)/i.exec(text);
      const head = text.indexOf('\r\n\r\n');
      if (m && head >= 0 && text.length >= head + 4 + Number(m[1])) {
        s.off('data', onData);
        resolve(text);
      }
    };
    s.on('data', onData);
    s.once('error', reject);
    s.write(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
  });
}

/** A line through a TLS-terminating TCP server: python3's ssl client, verifying the test CA. */
function tlsLine(sni: string, line: string): { code: number; out: string; err: string } {
  const script = [
    'import socket, ssl, sys',
    'ctx = ssl.create_default_context(cafile=sys.argv[4])',
    's = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10), server_hostname=sys.argv[2])',
    's.sendall(sys.argv[3].encode()); print(s.recv(100).decode(), end="")',
  ].join('\n');
  const r = sh(['python3', '-c', script, port, sni, line, certs.ca]);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

async function podName(prefix: string): Promise<string> {
  const r = await cli(['get', 'pods', '-n', 'istio-system', '-o', 'name']);
  return r.stdout.split('\n').find((l) => l.includes(prefix))?.split('/')[1] ?? '';
}

before(async () => {
  writeFileSync(join(manifests, 'app.yaml'), APP);
  // An app's own Secret (no credential keys) is accepted too, and istiod ignores it.
  const appSecret = '\napiVersion: v1\nkind: Secret\nmetadata: {name: db-password, namespace: edge}\nstringData: {password: hunter2}\n';
  writeFileSync(join(manifests, 'secrets.yaml'), `${tlsSecret('cred-tls', certs)}---${GENERIC}---${appSecret}`);
  const up = await cli(['up', '-f', manifests]);
  assert.equal(up.code, 0, up.stderr);
  assert.match(up.stdout, /secret\/cred-tls created/);
  assert.match(up.stdout, /secret\/cred-generic created/);
  assert.match(up.stdout, /secret\/db-password created/);
  port = new URL(/istio-ingressgateway: (https:\/\/127\.0\.0\.1:\d+)/.exec(up.stdout)?.[1] ?? 'https://x:0').port;
  assert.notEqual(port, '0', up.stdout);
  await until(() => curl('cred.example.com').status === 200, 'the credentialName server');
});

after(async () => {
  const down = await cli(['down']);
  for (const d of [stateDir, manifests, certs.dir, rotated.dir]) rmSync(d, { recursive: true, force: true });
  assert.equal(down.code, 0, down.stderr);
});

describe('gateway credentials from Secrets (SDS) and TLS-terminating TCP servers', () => {
  it('SIMPLE with a kubernetes.io/tls Secret: the gateway presents its certificate and routes by host', async () => {
    const r = curl('cred.example.com');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.status, 200, r.body);
    assert.equal((JSON.parse(r.body) as { headers: Record<string, string> }).headers['host'], `cred.example.com:${port}`);
    assert.equal(await servedFingerprint('cred.example.com'), new X509Certificate(readFileSync(certs.serverCert)).fingerprint256);
    // What the gateway got: an SDS reference over ADS, not the bytes, in its listener.
    const gw = await podName('istio-ingressgateway');
    const dump = (await cli(['proxy-config', 'listener', `${gw}.istio-system`, '-o', 'json'])).stdout;
    assert.match(dump, /"tlsCertificateSdsSecretConfigs":\s*\[\s*\{\s*"name":\s*"kubernetes:\/\/cred-tls"/);
    assert.ok(!dump.includes(b64(certs.serverKey).slice(0, 40)), 'the listener carries no key bytes');
  });

  it('MUTUAL with the generic key/cert/cacert Secret: no client certificate or a stranger\'s is refused, the CA\'s is served', () => {
    assert.notEqual(curl('mtls.example.com').code, 0, 'without a client certificate');
    assert.notEqual(curl('mtls.example.com', ['--cert', certs.strangerCert, '--key', certs.strangerKey]).code, 0, 'another CA\'s client certificate');
    const ok = curl('mtls.example.com', ['--cert', certs.clientCert, '--key', certs.clientKey]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((JSON.parse(ok.body) as { headers: Record<string, string> }).headers['host'], `mtls.example.com:${port}`);
  });

  it('protocol TLS with mode SIMPLE terminates TLS and routes the plain stream by the tcp route of port 443', () => {
    const r = tlsLine('tcp.example.com', 'hello');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, 'plain hello', 'the backend saw plain text');
  });

  it('protocol TCP routes by the tcp route of its port', async () => {
    const gw = await podName('istio-ingressgateway');
    const script = 'import socket; s = socket.create_connection(("127.0.0.1", 31400), timeout=10); s.sendall(b"raw"); print(s.recv(100).decode(), end="")';
    let out = '';
    await until(async () => {
      out = (await cli(['exec', gw, '-n', 'istio-system', '--', 'python3', '-c', script])).stdout;
      return out === 'plain raw';
    }, `the TCP server on 31400 (last answer ${JSON.stringify(out)})`, 20);
  });

  it('a missing Secret leaves its server out and istiod says why; applying the Secret brings it in, deleting it takes it out', async () => {
    assert.notEqual(curl('later.example.com').code, 0, 'no chain for later.example.com yet');
    assert.equal(curl('cred.example.com').status, 200, 'the other servers are served');
    const istiod = (await cli(['get', 'pods', '-n', 'istio-system', '-o', 'name'])).stdout.split('\n').find((l) => l.includes('istiod'))?.split('/')[1] ?? '';
    const log = (await cli(['logs', istiod, '-n', 'istio-system'])).stdout;
    assert.match(log, /Gateway edge\/cred-gateway server https-later: tls\.credentialName "later-cred": no Secret istio-system\/later-cred/);
    const file = join(manifests, 'later.yaml');
    writeFileSync(file, tlsSecret('later-cred', certs));
    const r = await cli(['apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    await until(() => curl('later.example.com').status === 200, 'later.example.com once its Secret exists');
    const del = await cli(['delete', '-f', file]);
    assert.equal(del.code, 0, del.stderr);
    assert.match(del.stdout, /secret "later-cred" deleted/);
    await until(() => curl('later.example.com').code !== 0, 'later.example.com left out again once its Secret is deleted');
    assert.equal(curl('cred.example.com').status, 200, 'the other servers still are served');
  });

  it('rotating a Secret changes the served certificate without a restart, and an open connection keeps working', async () => {
    const before = await cli(['get', 'pods', '-n', 'istio-system']);
    const kept = await open('cred.example.com');
    assert.match(await request(kept, 'cred.example.com'), /^HTTP\/1\.1 200/);
    const file = join(manifests, 'rotate.yaml');
    writeFileSync(file, tlsSecret('cred-tls', rotated));
    const r = await cli(['apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /secret\/cred-tls configured/);
    const next = new X509Certificate(readFileSync(rotated.serverCert)).fingerprint256;
    await until(async () => (await servedFingerprint('cred.example.com')) === next, 'the rotated certificate');
    assert.equal(curl('cred.example.com', [], rotated.ca).status, 200, 'clients trusting the new CA are served');
    assert.notEqual(curl('cred.example.com', [], certs.ca).code, 0, 'the old certificate is gone');
    assert.match(await request(kept, 'cred.example.com'), /^HTTP\/1\.1 200/, 'the connection made before the rotation still serves');
    kept.destroy();
    const restarts = (t: string): string => t.split('\n').filter((l) => l.includes('istio-ingressgateway')).map((l) => l.split(/\s+/).slice(0, 4).join(' ')).join();
    assert.equal(restarts((await cli(['get', 'pods', '-n', 'istio-system'])).stdout), restarts(before.stdout), 'the gateway was not restarted');
  });

  it('a malformed Secret is refused naming Secret, field and value, never key bytes; nothing of that apply is applied', async () => {
    const key = readFileSync(certs.serverKey, 'utf8');
    const file = join(manifests, 'bad.yaml');
    writeFileSync(file, `${tlsSecret('bad-b64', certs).replace(/tls\.crt: \S+/, 'tls.crt: "not base64!"')}---
apiVersion: v1
kind: Secret
metadata: {name: bad-key, namespace: istio-system}
type: kubernetes.io/tls
stringData:
  tls.crt: |
${indent(certs.serverCert, 4)}
  tls.key: |
${indent(certs.clientKey, 4)}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: not-applied, namespace: edge}
spec:
  hosts: [never.example.com]
  http: [{route: [{destination: {host: echo}}]}]
`);
    const r = await cli(['apply', '-f', file]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Secret istio-system\/bad-b64 \(\S*bad\.yaml \(document 1\)\): data\.tls\.crt: "not base64!": is not base64/);
    assert.match(r.stderr, /Secret istio-system\/bad-key .*: stringData\.tls\.key: \(\d+ characters, value not shown\): does not match the certificate in stringData\.tls\.crt/);
    const clientKey = readFileSync(certs.clientKey, 'utf8');
    for (const line of [...key.split('\n'), ...clientKey.split('\n')].filter((l) => l.length > 20 && !l.startsWith('-----'))) {
      assert.ok(!r.stderr.includes(line), 'no key bytes in the message');
    }
    assert.ok(!existsSync(join(stateDir, 'istio-config', 'virtualservice.edge.not-applied.yaml')), 'the VirtualService beside it was not applied');
    assert.ok(!existsSync(join(stateDir, 'istio-config', 'secret.istio-system.bad-key.yaml')));
  });

  it('keeps Secret files readable by istiod alone', () => {
    const st = statSync(join(stateDir, 'istio-config', 'secret.istio-system.cred-tls.yaml'));
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal(st.uid, ISTIOD_UID);
  });
});
