/**
 * The mesh's life around `up` and `down`: invalid manifests start nothing; a folder of
 * manifests is read whole; two meshes (two
 * state directories, same CIDRs) run side by side; `mizzen down` after a supervisor crash
 * still removes everything from mesh.json and the name prefix, and leaves the other mesh alone.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { sh } from '../helpers/netns.ts';
import { isRunning, TestMesh } from './mesh-fixture.ts';

const APP = `
apiVersion: v1
kind: Pod
metadata: {name: echo, labels: {app: echo}}
spec:
  containers:
  - name: echo
    command: [python3, -m, http.server, "8000"]
    readinessProbe: {tcpSocket: {port: 8000}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: echo}
spec: {selector: {app: echo}, ports: [{port: 80, targetPort: 8000}]}
`;

const meshes: TestMesh[] = [];
function newMesh(): TestMesh {
  const m = new TestMesh();
  meshes.push(m);
  return m;
}
after(async () => {
  const results = await Promise.allSettled(meshes.map((m) => m.down()));
  for (const r of results) if (r.status === 'rejected') throw r.reason;
});

describe('mesh lifecycle', { timeout: 120_000 }, () => {
  it('refuses invalid manifests before anything starts', async () => {
    const m = newMesh();
    const r = await m.up(m.manifest('bad.yaml', `${APP}
---
apiVersion: v1
kind: Pod
metadata: {name: broken}
spec: {containers: [{name: c, image: nginx, ports: [{containerPort: http}]}]}
`));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Pod default\/broken \(\S*bad.yaml \(document 3\)\): spec.containers\[0\].ports\[0\].containerPort: "http": must be an integer/);
    assert.match(r.stderr, /Pod default\/broken .*command: container "c" has no command \(the image "nginx" cannot be pulled here/);
    assert.deepEqual(readdirSync(m.stateDir), []);
    assert.doesNotMatch(sh(['ip', 'netns', 'list']).stdout, new RegExp(`^${m.meshId}-`, 'm'));
    const none = await m.cli(['get', 'pods']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no mesh is running/);
    assert.match((await m.must(['down'])), /nothing to remove/);
  });

  it('runs two meshes side by side, and `down` after a supervisor crash removes only its own', async () => {
    const a = newMesh();
    const b = newMesh();
    a.manifest('app.yaml', APP);
    const ra = await a.up(a.workDir);
    assert.equal(ra.code, 0, ra.stderr);
    assert.equal(ra.stdout, 'pod/echo created\nservice/echo created\n', 'a folder of manifests');
    const rb = await b.up(b.manifest('app.yaml', APP));
    assert.equal(rb.code, 0, rb.stderr);
    for (const m of [a, b]) {
      const pod = await m.pod('default', 'echo');
      const r = m.podSh(pod, 'curl -sS --max-time 3 -o /dev/null -w %{http_code} http://echo/');
      assert.equal(r.stdout, '200', r.stderr);
    }
    // Crash a's supervisor: its pods keep running, and `up` will not start over it.
    const podA = await a.pod('default', 'echo');
    const appPid = Number(podA.status.containerStatuses[0]?.containerID?.replace('mizzen://', ''));
    process.kill(a.supervisorPid(), 'SIGKILL');
    await a.waitFor('supervisor gone', 5000, () => Promise.resolve(!isRunning(a.supervisorPid())));
    assert.ok(isRunning(appPid), 'the app outlives the supervisor');
    const again = await a.up(a.manifest('app.yaml', APP));
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`holds mesh ${a.meshId}, whose supervisor does not answer; run: mizzen down`));
    const down = await a.cli(['down']);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, new RegExp(`mesh ${a.meshId} is down`));
    a.assertNothingLeft();
    assert.ok(!isRunning(appPid));
    // b is untouched.
    const podB = await b.pod('default', 'echo');
    assert.equal(b.podSh(podB, 'curl -sS --max-time 3 -o /dev/null -w %{http_code} http://echo/').stdout, '200');
  });
});
