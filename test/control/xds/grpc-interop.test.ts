/**
 * THE interop test: an unmodified @grpc/grpc-js-xds client (proxyless gRPC, GENERATOR=grpc)
 * resolves `xds:///greeter.default.svc.cluster.local:50051` through Mizzen's ADS server and
 * calls two real grpc-js backends, v1 and v2 (labels version=v1/v2 in registry.json). Its
 * routing must follow the VirtualService: an 80/20 split measured over many calls, `x-user:
 * jason` always to v2, and pushed changes (config and endpoint readiness) without reconnecting.
 * The client runs in a child process per test (grpc-js-xds keeps global state).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { after, afterEach, before, describe, it } from 'node:test';
import { controlOptions } from '../../../src/control/bootstrap/options.ts';
import { startControlPlane, type ControlPlane } from '../../../src/control/bootstrap/server.ts';
import type { ProxySync } from '../../../src/control/debug/syncz.ts';
import { startGreeter } from '../../fixtures/control-greeter.ts';
import { repoRoot } from '../../helpers/paths.ts';

const TARGET = 'xds:///greeter.default.svc.cluster.local:50051';
const dir = mkdtempSync(join(tmpdir(), 'mz-grpc-interop-'));
// Apart from the config: a watched config folder rescans on any event in it.
const registryPath = join(dir, 'state', 'registry.json');
const configPath = join(dir, 'config', 'greeter.yaml');
let cp: ControlPlane;
const backends: { port: number; close: () => void }[] = [];

function writeRegistry(version: number, ports: readonly number[], v2Ready = true): void {
  const ep = (i: number, ready: boolean) => ({ service: 'greeter', namespace: 'default', ip: `127.0.0.${i + 2}`, ready, pod: `greeter-v${i + 1}-0`, ports: [{ name: 'grpc', port: ports[i] }] });
  const doc = {
    version,
    services: [{ name: 'greeter', namespace: 'default', hostname: 'greeter.default.svc.cluster.local', clusterIP: '10.96.7.7', labels: { app: 'greeter' },
      selector: { app: 'greeter' }, ports: [{ name: 'grpc', port: 50051, targetPort: 50051, protocol: 'TCP', appProtocol: null }] }],
    endpoints: [ep(0, true), ep(1, v2Ready)],
    workloads: [1, 2].map((v) => ({ pod: `greeter-v${v}-0`, namespace: 'default', ip: `127.0.0.${v + 1}`, workload: `greeter-v${v}`,
      labels: { app: 'greeter', version: `v${v}` }, serviceAccount: 'greeter', sidecar: false })),
  };
  writeFileSync(`${registryPath}.tmp`, JSON.stringify(doc));
  renameSync(`${registryPath}.tmp`, registryPath);
}

const ROUTING = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: greeter}
spec:
  host: greeter
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: greeter}
spec:
  hosts: [greeter]
  http:
  - name: jason
    match:
    - headers:
        x-user: {exact: jason}
    route:
    - destination: {host: greeter, subset: v2}
  - name: split
    route:
    - destination: {host: greeter, subset: v1}
      weight: 80
    - destination: {host: greeter, subset: v2}
      weight: 20
`;

before(async () => {
  backends.push(await startGreeter('127.0.0.2', 'v1'), await startGreeter('127.0.0.3', 'v2'));
  mkdirSync(join(dir, 'state'));
  mkdirSync(join(dir, 'config'));
  writeRegistry(1, backends.map((b) => b.port));
  writeFileSync(configPath, ROUTING);
  cp = await startControlPlane(controlOptions({
    registry: registryPath, config: [configPath], xdsPort: 0, debugPort: 0, xdsAddress: '127.0.0.1', debugAddress: '127.0.0.1',
    debounce: '20ms', debounceMax: '200ms', instanceId: 'istiod-interop',
  }));
});
after(async () => {
  await cp.close(500);
  backends.forEach((b) => b.close());
  rmSync(dir, { recursive: true, force: true });
});

interface Batch {
  counts: Record<string, number>;
  errors: string[];
}

class XdsClientProcess {
  readonly child: ChildProcess;
  private readonly lines: Interface;
  private readonly queue: string[] = [];
  private wake: (() => void) | undefined;
  stderr = '';

  constructor(name: string) {
    const bootstrap = {
      xds_servers: [{ server_uri: `127.0.0.1:${cp.xdsPort}`, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
      node: { id: `sidecar~127.0.0.1~${name}.default~default.svc.cluster.local`, cluster: 'client.default', locality: { zone: 'z' },
        metadata: { GENERATOR: 'grpc', NAMESPACE: 'default', ISTIO_VERSION: '1.23.2' } },
    };
    this.child = spawn(process.execPath, [join(repoRoot, 'test/fixtures/control-grpc-client.ts'), TARGET], {
      env: { ...process.env, GRPC_XDS_BOOTSTRAP_CONFIG: JSON.stringify(bootstrap) }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.lines = createInterface({ input: this.child.stdout as NodeJS.ReadableStream });
    this.lines.on('line', (l) => {
      this.queue.push(l);
      this.wake?.();
    });
  }

  async calls(n: number, metadata: Record<string, string> = {}): Promise<Batch> {
    this.child.stdin?.write(`${JSON.stringify({ n, metadata })}\n`);
    const end = Date.now() + 30_000;
    while (this.queue.length === 0) {
      if (Date.now() > end || this.child.exitCode !== null) throw new Error(`the xDS client gave no answer: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 200);
      });
    }
    return JSON.parse(this.queue.shift() ?? '{}') as Batch;
  }

  stop(): void {
    this.child.stdin?.end();
    setTimeout(() => this.child.kill('SIGKILL'), 2000).unref();
  }
}

let proc: XdsClientProcess | undefined;
afterEach(() => proc?.stop());

describe('proxyless gRPC (@grpc/grpc-js-xds) through Mizzen\'s ADS', () => {
  it('splits calls 80/20 between v1 and v2 as the VirtualService weights say', async () => {
    proc = new XdsClientProcess('client-weights');
    const n = 400;
    const { counts, errors } = await proc.calls(n);
    assert.deepEqual(errors, []);
    const v2 = (counts['v2'] ?? 0) / n;
    assert.equal((counts['v1'] ?? 0) + (counts['v2'] ?? 0), n);
    assert.ok(v2 > 0.12 && v2 < 0.28, `v2 share ${v2} (expected 0.2 within 0.08): ${JSON.stringify(counts)}`);
    const sync = (await (await fetch(`http://127.0.0.1:${cp.debugPort}/debug/syncz`)).json()) as ProxySync[];
    const me = sync.find((s) => s.name === 'client-weights.default');
    assert.equal(me?.generator, 'grpc');
    for (const type of ['LDS', 'RDS', 'CDS', 'EDS']) assert.equal(me?.types[type]?.status, 'SYNCED', `${type}: ${JSON.stringify(me?.types[type])}`);
    assert.deepEqual(me?.types['LDS']?.subscription, ['greeter.default.svc.cluster.local:50051']);
  });

  it('always sends `x-user: jason` to v2', async () => {
    proc = new XdsClientProcess('client-jason');
    const { counts, errors } = await proc.calls(60, { 'x-user': 'jason' });
    assert.deepEqual(errors, []);
    assert.deepEqual(counts, { v2: 60 });
    const other = await proc.calls(40, { 'x-user': 'jasonx' });
    assert.ok((other.counts['v1'] ?? 0) > 0, 'other users get the split');
  });

  it('follows pushed changes on the same stream: a new VirtualService, then v2 turning not ready', async () => {
    proc = new XdsClientProcess('client-push');
    assert.ok(((await proc.calls(100)).counts['v2'] ?? 0) > 0);
    cp.store.apply({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'greeter' }, spec: {
      hosts: ['greeter'], http: [{ route: [{ destination: { host: 'greeter', subset: 'v2' } }] }],
    } });
    await cp.discovery.idle();
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual((await proc.calls(50)).counts, { v2: 50 }, 'the new route is in force');
    cp.store.apply({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'greeter' }, spec: {
      hosts: ['greeter'], http: [{ route: [{ destination: { host: 'greeter' } }] }],
    } });
    writeRegistry(2, backends.map((b) => b.port), false);
    for (let i = 0; i < 40 && cp.discovery.pushes().every((p) => p.full); i++) await new Promise((r) => setTimeout(r, 50));
    await cp.discovery.idle();
    await new Promise((r) => setTimeout(r, 200));
    const after = await proc.calls(50);
    assert.deepEqual(after, { counts: { v1: 50 }, errors: [] }, 'the UNHEALTHY endpoint gets no calls');
  });
});
