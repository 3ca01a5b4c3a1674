/**
 * The mesh from `mizzen up` programmed only through xDS from `mizzen control` (istiod runs as a
 * pod): proxy-status shows every sidecar SYNCED; the sidecar's own connection to istiod is not
 * captured (the seeds' sixth traffic type); proxy-config reads the live config; a VirtualService
 * applied to the running mesh moves traffic between subsets; an update a sidecar cannot apply is
 * NACKed, shown by proxy-status, and the last good config keeps serving; and traffic goes on
 * while the control plane is gone, until it is back and everything is SYNCED again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { sh, waitFor } from '../helpers/netns.ts';
import { repoRoot } from '../helpers/paths.ts';

const stateDir = mkdtempSync(join(tmpdir(), 'mizzen-cp-'));
const yamlDir = mkdtempSync(join(tmpdir(), 'mizzen-cp-yaml-'));
const env = { ...process.env, MIZZEN_STATE_DIR: stateDir };
const cli = (args: string[]) => runCli(args, { env });
let clientNetns = '';

const yaml = (name: string, text: string): string => {
  const file = join(yamlDir, name);
  writeFileSync(file, text);
  return file;
};

async function curlWeb(times: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < times; i++) {
    const r = await cli(['exec', 'client', '-n', 'hello', '--', 'curl', '-sS', '--max-time', '5', 'http://web']);
    assert.equal(r.code, 0, r.stderr);
    // "hello from web-v2-5d8f7c9b4-x2x1q (nginx)..." -> the Deployment, "web-v2".
    const pod = /hello from (\S+) /.exec(r.stdout)?.[1] ?? r.stdout;
    seen.push(pod.replace(/-[a-z0-9]+-[a-z0-9]+$/, ''));
  }
  return seen;
}

async function proxyStatus(): Promise<{ name: string; types: Record<string, { status: string }> }[]> {
  const r = await cli(['proxy-status', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { name: string; types: Record<string, { status: string }> }[];
}

// Five sidecars, and the ingress gateway: with no Gateway resource it has no listener, so no RDS (istioctl's NOT SENT).
const allSynced = async (): Promise<boolean> => {
  const ps = await proxyStatus();
  const gateway = (p: { name: string }): boolean => p.name.startsWith('istio-ingressgateway-');
  const sidecars = ps.filter((p) => !gateway(p));
  return sidecars.length === 5 && ps.length === 6
    && ps.every((p) => (gateway(p) ? ['CDS', 'LDS', 'EDS'] : ['CDS', 'LDS', 'EDS', 'RDS']).every((t) => p.types[t]?.status === 'SYNCED'));
};

before(async () => {
  const up = await cli(['up', '-f', join(repoRoot, 'examples', 'hello')]);
  assert.equal(up.code, 0, up.stderr);
  const mesh = JSON.parse(readFileSync(join(stateDir, 'mesh.json'), 'utf8')) as { namespaces: string[] };
  clientNetns = mesh.namespaces.find((n) => n.endsWith('-hello-client')) ?? '';
  const v2 = readFileSync(join(repoRoot, 'examples', 'hello', 'web.yaml'), 'utf8').split(/^---$/m).at(-1) ?? '';
  await cli(['apply', '-f', yaml('web-v2.yaml', v2.replace('name: web\n  namespace', 'name: web-v2\n  namespace').replace('replicas: 2', 'replicas: 1').replaceAll('version: v1', 'version: v2').replace(/matchLabels: \{app: web\}/, 'matchLabels: {app: web, version: v2}').replace(/labels: \{app: web, version: v2\}/, 'labels: {app: web, version: v2}'))]);
  await waitFor(async () => (await cli(['get', 'pods', '-n', 'hello'])).stdout.split('\n').some((l) => /^web-v2-\S+\s+2\/2\s+Running/.test(l)), 30_000, 'web-v2 ready');
});

after(async () => {
  await cli(['down']);
  rmSync(yamlDir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

describe('the mesh programmed by mizzen control over xDS', () => {
  it('proxy-status: every sidecar (5) SYNCED on CDS, LDS, EDS and RDS by the istiod pod', async () => {
    await waitFor(allSynced, 20_000, 'all proxies SYNCED');
    const table = (await cli(['proxy-status'])).stdout;
    assert.match(table, /^NAME\s+CLUSTER\s+CDS\s+LDS\s+EDS\s+RDS\s+ECDS\s+ISTIOD\s+VERSION/);
    assert.match(table, /client\.hello\s+Kubernetes\s+SYNCED \(\d+s\)\s+SYNCED \(\d+s\)\s+SYNCED \(\d+s\)\s+SYNCED \(\d+s\)\s+IGNORED\s+istiod-\S+/);
  });

  it("the sidecar's own connection to istiod:15010 is not captured (uid 1337)", () => {
    const ct = sh(['ip', 'netns', 'exec', clientNetns, 'conntrack', '-L', '-p', 'tcp', '--dport', '15010']).stdout;
    assert.match(ct, /dport=15010 /);
    assert.doesNotMatch(ct, /sport=15001/);
    const nat = sh(['ip', 'netns', 'exec', clientNetns, 'iptables', '-t', 'nat', '-L', 'ISTIO_OUTPUT', '-v', '-x', '-n']).stdout;
    const uidReturn = nat.split('\n').find((l) => /RETURN .*owner UID match 1337$/.test(l.trim()));
    assert.ok(Number(uidReturn?.trim().split(/\s+/)[0]) > 0, nat);
  });

  it('proxy-config shows the pushed listeners, clusters, routes and endpoints', async () => {
    assert.match((await cli(['pc', 'listener', 'client.hello'])).stdout, /0\.0\.0\.0\s+80\s+ALL\s+Route: 80/);
    assert.match((await cli(['pc', 'cluster', 'client.hello', '--fqdn', 'web.hello.svc.cluster.local'])).stdout, /web\.hello\.svc\.cluster\.local\s+80\s+-\s+outbound\s+EDS/);
    assert.match((await cli(['pc', 'route', 'client.hello', '--name', '80'])).stdout, /web\.hello\.svc\.cluster\.local:80/);
    assert.equal((await cli(['pc', 'endpoint', 'client.hello', '--cluster', 'outbound|80||web.hello.svc.cluster.local'])).stdout.trim().split('\n').length, 4);
  });

  it('a VirtualService applied to the running mesh moves all traffic to v2, then back to v1', async () => {
    const dr = yaml('dr.yaml', 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: web, namespace: hello}\nspec:\n  host: web\n  subsets:\n  - {name: v1, labels: {version: v1}}\n  - {name: v2, labels: {version: v2}}\n');
    const vs = (subset: string): string => yaml(`vs-${subset}.yaml`, `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: web, namespace: hello}\nspec:\n  hosts: [web]\n  http:\n  - route:\n    - destination: {host: web, subset: ${subset}}\n`);
    assert.match((await cli(['apply', '-f', dr])).stdout, /destinationrule\.networking\.istio\.io\/web created/);
    assert.match((await cli(['apply', '-f', vs('v2')])).stdout, /virtualservice\.networking\.istio\.io\/web created/);
    await waitFor(async () => (await curlWeb(1))[0] === 'web-v2', 15_000, 'traffic on v2');
    assert.deepEqual(new Set(await curlWeb(6)), new Set(['web-v2']));
    assert.match((await cli(['apply', '-f', vs('v1')])).stdout, /web configured/);
    await waitFor(async () => (await curlWeb(1))[0] === 'web', 15_000, 'traffic on v1');
    assert.deepEqual(new Set(await curlWeb(6)), new Set(['web']));
  });

  it('an update the sidecars cannot apply is NACKed and shown; the last good config keeps serving', async () => {
    const tls = yaml('dr-tls.yaml', 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: api, namespace: hello}\nspec:\n  host: api\n  trafficPolicy:\n    tls: {mode: SIMPLE}\n');
    assert.equal((await cli(['apply', '-f', tls])).code, 0);
    await waitFor(async () => (await proxyStatus()).some((p) => p.types['CDS']?.status === 'NACKED'), 15_000, 'a CDS NACK');
    assert.match((await cli(['proxy-status'])).stdout, /client\.hello\s+Kubernetes\s+NACKED/);
    assert.deepEqual(new Set(await curlWeb(3)), new Set(['web']), 'the last good config serves');
    assert.match((await cli(['delete', '-f', tls])).stdout, /destinationrule\.networking\.istio\.io\/api deleted/);
    await waitFor(allSynced, 15_000, 'SYNCED again');
  });

  it('traffic goes on while istiod is gone; the sidecars reconnect when it is back', async () => {
    const pids = sh(['pgrep', '-f', `control --registry ${stateDir}`]).stdout.trim().split('\n').filter(Boolean);
    assert.ok(pids.length > 0, 'the istiod process');
    for (const pid of pids) sh(['kill', '-9', pid]);
    assert.deepEqual(new Set(await curlWeb(3)), new Set(['web']));
    await waitFor(async () => (await cli(['proxy-status'])).code === 0 && allSynced(), 60_000, 'istiod restarted and every proxy SYNCED');
    const pods = (await cli(['get', 'pods', '-n', 'istio-system'])).stdout;
    assert.match(pods, /istiod-\S+\s+1\/1\s+Running\s+1\s/);
  });
});
