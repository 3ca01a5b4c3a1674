/**
 * A real mesh without sidecars: two Deployments of `python3 -m http.server` behind Services in
 * a namespace of their own, reached by name, name.ns, the full name and the ClusterIP (through
 * the node's DNAT); endpoints that follow readiness; restart policies; get, logs, exec and
 * port-forward; and `mizzen down` leaving nothing behind.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliEntry } from '../helpers/paths.ts';
import { sh } from '../helpers/netns.ts';
import { TestMesh, type PodItem } from './mesh-fixture.ts';

const APPS = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: python:3.12-slim
        command: [python3, -m, http.server, "8000"]
        ports: [{name: http, containerPort: 8000}]
        env:
        - name: MY_IP
          valueFrom: {fieldRef: {fieldPath: status.podIP}}
        - {name: GREETING, value: "hello from $(MY_IP)"}
        readinessProbe: {httpGet: {path: /, port: http}, periodSeconds: 1}
        livenessProbe: {tcpSocket: {port: 8000}, periodSeconds: 5}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: client, namespace: shop}
spec:
  selector: {matchLabels: {app: client}}
  template:
    metadata: {labels: {app: client}}
    spec:
      containers:
      - name: client
        command: [python3, -m, http.server, "9000"]
        ports: [{containerPort: 9000}]
---
apiVersion: v1
kind: Service
metadata: {name: client, namespace: shop}
spec:
  selector: {app: client}
  ports: [{port: 9000}]
`;

const MORE = `
apiVersion: v1
kind: Pod
metadata: {name: gated, namespace: shop, labels: {app: gated}}
spec:
  containers:
  - name: gated
    command: [python3, -m, http.server, "8080"]
    workingDir: WORKDIR
    readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 1, failureThreshold: 1}
---
apiVersion: v1
kind: Service
metadata: {name: gated, namespace: shop}
spec:
  selector: {app: gated}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: crash-once, namespace: shop}
spec:
  containers:
  - name: c
    command: [sh, -c, 'echo started; if [ -e crashed ]; then exec sleep 600; fi; touch crashed; exit 3']
    workingDir: WORKDIR
---
apiVersion: v1
kind: Pod
metadata: {name: crash-loop, namespace: shop}
spec:
  containers: [{name: c, command: [sh, -c, 'echo boom; exit 2']}]
---
apiVersion: v1
kind: Pod
metadata: {name: sick, namespace: shop}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    command: [sleep, "600"]
    livenessProbe: {exec: {command: ["false"]}, periodSeconds: 1, failureThreshold: 2}
---
apiVersion: v1
kind: Pod
metadata: {name: never, namespace: shop}
spec:
  restartPolicy: Never
  containers: [{name: c, command: [sh, -c, 'exit 1']}]
---
apiVersion: v1
kind: Pod
metadata: {name: job, namespace: shop}
spec:
  restartPolicy: OnFailure
  containers: [{name: c, command: ['true']}]
`;

const mesh = new TestMesh();
const hostForwarding = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8');
let web: PodItem[] = [];
let client: PodItem;

function curl(from: PodItem, url: string): { code: number; stdout: string; stderr: string } {
  return mesh.podSh(from, `curl -sS --max-time 3 -o /dev/null -w '%{http_code} %{remote_ip}' ${url}`);
}

async function endpoints(name: string): Promise<string> {
  const out = await mesh.must(['get', 'endpoints', name, '-n', 'shop']);
  return out.split('\n')[1]?.split(/\s+/)[1] ?? '';
}

describe('a mesh without sidecars', { timeout: 150_000 }, () => {
  before(async () => {
    const r = await mesh.up(mesh.manifest('apps.yaml', APPS));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'namespace/shop created\ndeployment.apps/web created\nservice/web created\ndeployment.apps/client created\nservice/client created\n');
    assert.match(r.stderr, /image "python:3.12-slim" cannot be pulled on this host/);
    assert.equal(r.stderr.match(/cannot be pulled/g)?.length, 1, 'said once per image');
    web = (await mesh.pods('shop')).filter((p) => p.metadata.labels['app'] === 'web');
    client = await mesh.pod('shop', 'client-');
  });
  after(() => mesh.down());

  it('returns with every pod ready, named as Deployments name them', async () => {
    assert.equal(web.length, 2);
    for (const p of web) {
      assert.match(p.metadata.name, /^web-[a-z0-9]+-[a-z0-9]{5}$/);
      assert.equal(p.status.phase, 'Running');
      assert.equal(p.spec.containers[0]?.securityContext.runAsUser, 1000);
    }
    const table = await mesh.must(['get', 'pods', '-n', 'shop']);
    assert.match(table, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    assert.match(table, /^web-\S+\s+1\/1\s+Running\s+0\s+\d+s$/m);
    const wide = await mesh.must(['get', 'pods', '-A', '-o', 'wide']);
    assert.match(wide, /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\n/);
    assert.match(wide, /^shop\s+client-\S+\s+1\/1\s+Running\s+0\s+\d+s\s+10\.250\.0\.\d+\s+/m);
    const svc = await mesh.must(['get', 'svc', '-n', 'shop']);
    assert.match(svc, /^web\s+ClusterIP\s+10\.96\.0\.\d+\s+<none>\s+80\/TCP\s+\d+s$/m);
    const ep = await mesh.must(['get', 'ep', 'web', '-n', 'shop']);
    assert.match(ep, /^web\s+10\.250\.0\.\d+:8000,10\.250\.0\.\d+:8000\s+\d+s$/m);
  });

  it('reaches a service by name, name.ns, the full name and the ClusterIP, through the node\'s DNAT', async () => {
    const svc = JSON.parse(await mesh.must(['get', 'svc', 'web', '-n', 'shop', '-o', 'json'])) as { spec: { clusterIP: string } };
    for (const host of ['web', 'web.shop', 'web.shop.svc.cluster.local', svc.spec.clusterIP]) {
      const r = curl(client, `http://${host}/`);
      assert.equal(r.stdout, `200 ${svc.spec.clusterIP}`, `${host}: ${r.stderr}`);
    }
    const nat = sh(['ip', 'netns', 'exec', `${mesh.meshId}-node`, 'iptables-save', '-t', 'nat']).stdout;
    assert.match(nat, /-A MIZZEN-SERVICES -d 10\.96\.0\.\d+\/32 -p tcp -m comment --comment "shop\/web:http cluster IP" -m tcp --dport 80 -j MIZZEN-SVC-/);
    assert.match(nat, /-m statistic --mode random --probability 0\.5/);
    // Both endpoints get traffic (the client's own address shows in each web pod's log).
    const clientIp = client.status.podIP ?? '';
    const reached = async (): Promise<number> => {
      const logs = await Promise.all(web.map((p) => mesh.must(['logs', p.metadata.name, '-n', 'shop'])));
      return logs.filter((l) => l.includes(`${clientIp} - - `)).length;
    };
    for (let round = 0; round < 6 && (await reached()) < 2; round++) {
      const r = mesh.podSh(client, `for i in 1 2 3 4 5 6 7 8 9 10; do curl -sS --max-time 3 -o /dev/null -w '%{http_code} ' http://web/; done`);
      assert.equal(r.stdout, '200 '.repeat(10), r.stderr);
    }
    assert.equal(await reached(), 2, 'requests from the client reached both web pods');
    // Forwarding is on in the node namespace only; the host has no route into the mesh.
    assert.equal(sh(['ip', 'netns', 'exec', `${mesh.meshId}-node`, 'cat', '/proc/sys/net/ipv4/ip_forward']).stdout.trim(), '1');
    assert.equal(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8'), hostForwarding);
    assert.doesNotMatch(sh(['ip', 'route', 'show']).stdout, /10\.250\.|10\.96\./);
  });

  it('gates endpoints on readiness, runs restart policies, and keeps the registry in step', async () => {
    const r = await mesh.up(mesh.manifest('more.yaml', MORE), ['--no-wait']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /namespace\/shop unchanged|pod\/gated created/);
    await mesh.waitFor('gated running', 20_000, async () => (await mesh.pod('shop', 'gated')).status.phase === 'Running');
    const gated = await mesh.pod('shop', 'gated');
    assert.equal(await endpoints('gated'), '<none>');
    const registry = (): { endpoints: { pod: string; ready: boolean }[] } => JSON.parse(readFileSync(join(mesh.stateDir, 'registry.json'), 'utf8')) as { endpoints: { pod: string; ready: boolean }[] };
    assert.deepEqual(registry().endpoints.filter((e) => e.pod === 'gated').map((e) => e.ready), [false]);
    assert.notEqual(curl(client, 'http://gated/').stdout.slice(0, 3), '200', 'no ready endpoint, no traffic');
    // exec runs in the container's working directory: make the pod ready.
    await mesh.must(['exec', 'gated', '-n', 'shop', '--', 'touch', 'ready']);
    await mesh.waitFor('gated endpoint', 15_000, async () => (await endpoints('gated')) === `${gated.status.podIP ?? ''}:8080`);
    assert.deepEqual(registry().endpoints.filter((e) => e.pod === 'gated').map((e) => e.ready), [true]);
    assert.equal(curl(client, 'http://gated.shop/ready').stdout.slice(0, 3), '200');
    await mesh.must(['exec', 'gated', '-n', 'shop', '--', 'rm', 'ready']);
    await mesh.waitFor('gated endpoint gone', 15_000, async () => (await endpoints('gated')) === '<none>');

    await mesh.waitFor('restarts', 30_000, async () => {
      const pods = await mesh.pods('shop');
      const by = (n: string): PodItem | undefined => pods.find((p) => p.metadata.name === n);
      return (by('crash-loop')?.status.containerStatuses[0]?.restartCount ?? 0) >= 2
        && by('never')?.status.phase === 'Failed' && by('job')?.status.phase === 'Succeeded'
        && by('crash-once')?.status.containerStatuses[0]?.ready === true
        && (by('sick')?.status.containerStatuses[0]?.restartCount ?? 0) >= 1;
    });
    const table = await mesh.must(['get', 'pods', '-n', 'shop']);
    assert.match(table, /^crash-once\s+1\/1\s+Running\s+1 \(\d+s ago\)\s+/m);
    assert.match(table, /^crash-loop\s+0\/1\s+(CrashLoopBackOff|Error)\s+[2-9] \(\d+s ago\)\s+/m);
    assert.match(table, /^never\s+0\/1\s+Error\s+0\s+/m);
    const sick = JSON.parse(await mesh.must(['get', 'pod', 'sick', '-n', 'shop', '-o', 'json'])) as PodItem;
    const last = (sick.status.containerStatuses[0] as unknown as { lastState: { terminated?: { message?: string; exitCode: number } } }).lastState.terminated;
    assert.equal(last?.message, 'Container c failed liveness probe, will be restarted');
    assert.equal(last?.exitCode, 143, 'stopped with SIGTERM');
    assert.match(table, /^job\s+0\/1\s+Completed\s+0\s+/m);
    assert.equal(await mesh.must(['logs', 'crash-once', '-n', 'shop']), 'started\nstarted\n');
    assert.match(await mesh.must(['logs', 'crash-loop', '-n', 'shop', '--tail', '1']), /^boom\n$/);
  });

  it('fails `up` naming the pod and the reason, and leaves the mesh running', async () => {
    const bad = mesh.manifest('bad.yaml', `
apiVersion: v1
kind: Pod
metadata: {name: missing, namespace: shop}
spec: {containers: [{name: c, command: [no-such-program-here]}]}
`);
    const r = await mesh.up(bad);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /pod shop\/missing: container c: .*exec: "no-such-program-here": executable file not found in \$PATH/);
    const loop = await mesh.up(mesh.manifest('loop.yaml', `
apiVersion: v1
kind: Pod
metadata: {name: loop, namespace: shop}
spec: {containers: [{name: c, command: [sh, -c, 'echo giving up; exit 5']}]}
`), ['--restart-backoff', '100ms']);
    assert.equal(loop.code, 1);
    assert.match(loop.stderr, /pod shop\/loop: CrashLoopBackOff: container c: .*exit code 5.*\n.*last log lines of c:\n\s+giving up/);
    assert.equal((await mesh.cli(['get', 'pods', '-n', 'shop'])).code, 0);
  });

  it('execs as the container\'s user with its environment, passing the exit code through', async () => {
    const pod = web[0]?.metadata.name ?? '';
    assert.equal((await mesh.must(['exec', pod, '-n', 'shop', '--', 'id', '-u'])).trim(), '1000');
    assert.equal((await mesh.must(['exec', pod, '-n', 'shop', '--', 'sh', '-c', 'echo "$GREETING"'])).trim(), `hello from ${web[0]?.status.podIP ?? ''}`);
    assert.equal((await mesh.cli(['exec', pod, '-n', 'shop', '--', 'sh', '-c', 'exit 7'])).code, 7);
    const missing = await mesh.cli(['exec', 'nope', '-n', 'shop', '--', 'true']);
    assert.match(missing.stderr, /pods "nope" not found in namespace "shop"/);
  });

  it('follows logs and forwards a host port on 127.0.0.1 to a service', async () => {
    const pf = spawn(process.execPath, [cliEntry, 'port-forward', 'svc/web', ':80', '-n', 'shop'], { env: mesh.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const follow = spawn(process.execPath, [cliEntry, 'logs', '-f', web[0]?.metadata.name ?? '', '-n', 'shop', '--tail', '0'], { env: mesh.env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      pf.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      let followed = '';
      follow.stdout.setEncoding('utf8').on('data', (d: string) => (followed += d));
      await mesh.waitFor('port-forward', 15_000, () => Promise.resolve(/Forwarding from 127\.0\.0\.1:\d+ -> 8000/.test(out)));
      const port = /127\.0\.0\.1:(\d+)/.exec(out)?.[1] ?? '';
      for (let i = 0; i < 3; i++) {
        const r = sh(['curl', '-sS', '--max-time', '5', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port}/`]);
        assert.equal(r.stdout, '200', r.stderr);
      }
      assert.equal(sh(['ss', '-Htln', `sport = :${port}`]).stdout.includes('127.0.0.1:'), true, 'listens on 127.0.0.1 only');
      await mesh.waitFor('followed log lines', 10_000, () => Promise.resolve(followed.includes('"GET / HTTP/1.1" 200')));
    } finally {
      if (pf.pid) process.kill(pf.pid, 'SIGKILL');
      if (follow.pid) process.kill(follow.pid, 'SIGKILL');
    }
    const refused = await mesh.cli(['port-forward', 'svc/web', '8080:80', '-n', 'shop', '--address', '0.0.0.0']);
    assert.match(refused.stderr, /--address: "0\.0\.0\.0": the mesh listens on the host only on 127\.0\.0\.1/);
  });
});
