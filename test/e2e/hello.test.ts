/**
 * The README's sample (examples/hello) on a real one-host mesh: `mizzen up` with injected
 * sidecars, nginx from Debian behind a Service, and the flows the seeds describe, checked where
 * the seeds look: what the app sees (127.0.0.6), conntrack's redirects to 15001 and 15006, a
 * Prometheus scrape that bypasses the proxy, uid 1337 traffic that is not redirected, Istio's
 * HTTP metrics from both reporters (the destination names its source through metadata exchange), and a `mizzen down` that leaves nothing behind.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { sh } from '../helpers/netns.ts';
import { repoRoot } from '../helpers/paths.ts';

const stateDir = mkdtempSync(join(tmpdir(), 'mizzen-hello-'));
const env = { ...process.env, MIZZEN_STATE_DIR: stateDir };
const cli = (args: string[]) => runCli(args, { env });
let meshId = '';
let netnsOf: (pod: string) => string = () => '';
let webPods: string[] = [];
let podIp: Record<string, string> = {};

before(async () => {
  const up = await cli(['up', '-f', join(repoRoot, 'examples', 'hello')]);
  assert.equal(up.code, 0, up.stderr);
  const mesh = JSON.parse(readFileSync(join(stateDir, 'mesh.json'), 'utf8')) as { id: string; namespaces: string[] };
  meshId = mesh.id;
  netnsOf = (pod) => {
    const ns = mesh.namespaces.find((n) => n.endsWith(`-${pod}`)) ?? '';
    assert.ok(ns, `netns of ${pod}`);
    return ns;
  };
  const pods = JSON.parse((await cli(['get', 'pods', '-n', 'hello', '-o', 'json'])).stdout) as { items: { metadata: { name: string }; status: { podIP: string } }[] };
  podIp = Object.fromEntries(pods.items.map((p) => [p.metadata.name, p.status.podIP]));
  webPods = Object.keys(podIp).filter((n) => n.startsWith('web-'));
});

after(async () => {
  const down = await cli(['down']);
  rmSync(stateDir, { recursive: true, force: true });
  assert.equal(down.code, 0, down.stderr);
});

async function exec(pod: string, container: string, cmd: string[]): Promise<string> {
  const r = await cli(['exec', pod, '-n', 'hello', '-c', container, '--', ...cmd]);
  assert.equal(r.code, 0, `${cmd.join(' ')} in ${pod}/${container}: ${r.stderr}`);
  return r.stdout;
}

const adminStat = async (pod: string, name: string): Promise<number> => {
  const stats = await exec(pod, 'istio-proxy', ['curl', '-s', 'http://127.0.0.1:15000/stats']);
  const line = stats.split('\n').find((l) => l.startsWith(`${name}: `));
  return Number(line?.split(': ')[1] ?? 0);
};

describe('examples/hello on a one-host mesh', () => {
  it('comes up with every pod ready and two containers (app + istio-proxy)', async () => {
    const r = await cli(['get', 'pods', '-n', 'hello']);
    assert.match(r.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    for (const name of Object.keys(podIp)) assert.match(r.stdout, new RegExp(`${name}\\s+2/2\\s+Running`));
    assert.equal(webPods.length, 2);
    assert.match((await cli(['get', 'endpoints', '-n', 'hello'])).stdout, new RegExp(`web\\s+\\S*${podIp[webPods[0] ?? '']}:8080`));
  });

  it('client -> web through both sidecars: nginx sees 127.0.0.6, conntrack shows 15001 and 15006', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const body = await exec('client', 'client', ['curl', '-sS', '--max-time', '5', 'http://web']);
      assert.match(body, /hello from web-\S+ \(nginx\), you came from 127\.0\.0\.6/);
      seen.add(/hello from (\S+)/.exec(body)?.[1] ?? '');
    }
    assert.equal(seen.size, 2, 'round robin reaches both replicas');
    const client = sh(['ip', 'netns', 'exec', netnsOf('client'), 'conntrack', '-L', '--dst-nat']).stdout;
    assert.match(client, /dport=80 .*sport=15001/);
    const web = webPods.map((p) => sh(['ip', 'netns', 'exec', netnsOf(p), 'conntrack', '-L', '--dst-nat']).stdout).join('\n');
    assert.match(web, /dport=8080 .*sport=15006/);
    const log = await cli(['logs', 'client', '-n', 'hello', '-c', 'istio-proxy']);
    // One line per request, in Istio's TEXT format, as the seeds show it.
    assert.match(log.stdout, /"GET \/ HTTP\/1\.1" 200 - via_upstream - "-" 0 \d+ \d+ \d+ "-" "curl\/[\d.]+" "[0-9a-f-]{36}" "web" "10\.250\.\d+\.\d+:8080" outbound\|80\|\|web\.hello\.svc\.cluster\.local 10\.250\.\d+\.\d+:\d+ 10\.96\.\d+\.\d+:80 10\.250\.\d+\.\d+:\d+ - default$/m);
    const inbound = (await Promise.all(webPods.map((p) => cli(['logs', p, '-n', 'hello', '-c', 'istio-proxy'])))).map((r) => r.stdout).join('');
    assert.match(inbound, /"GET \/ HTTP\/1\.1" 200 - via_upstream - "-" 0 \d+ \d+ \d+ "-" "curl\/[\d.]+" "[0-9a-f-]{36}" "web" "10\.250\.\d+\.\d+:8080" inbound\|8080\|\| 127\.0\.0\.6:\d+ 10\.250\.\d+\.\d+:8080 10\.250\.\d+\.\d+:\d+ - default$/m);
  });

  it('names resolve as in Kubernetes: name, name.ns, name.ns.svc.cluster.local', async () => {
    for (const host of ['api', 'api.hello', 'api.hello.svc.cluster.local']) {
      const body = JSON.parse(await exec('client', 'client', ['curl', '-sS', '--max-time', '5', `http://${host}:9080/x`])) as { peer: string; service: string };
      assert.deepEqual([body.service, body.peer], ['api', '127.0.0.6']);
    }
  });

  it('a Prometheus scrape of 15090 does not pass through the proxy', async () => {
    const web = webPods[0] ?? '';
    const inboundBefore = await adminStat(web, 'listener.0.0.0.0_15006.downstream_cx_total');
    const node = `${meshId}-node`;
    const scrape = sh(['ip', 'netns', 'exec', node, 'curl', '-sS', '--max-time', '5', `http://${podIp[web]}:15090/stats/prometheus`]);
    assert.equal(scrape.code, 0, scrape.stderr);
    // HTTP carries Istio's peer metadata exchange headers, so the destination names its source.
    assert.match(scrape.stdout, /istio_requests_total\{reporter="destination",(?=.*source_workload="client")(?=.*destination_workload="web")(?=.*response_code="200").*\} \d+/);
    assert.equal(await adminStat(web, 'listener.0.0.0.0_15006.downstream_cx_total'), inboundBefore);
    // The agent's merged endpoint on 15020 serves the same metrics.
    const merged = sh(['ip', 'netns', 'exec', node, 'curl', '-sS', '--max-time', '5', `http://${podIp[web]}:15020/stats/prometheus`]);
    assert.match(merged.stdout, /istio_requests_total\{reporter="destination"/);
  });

  it("the proxy's own uid 1337 traffic is not redirected; the client reports as source", async () => {
    const before = await adminStat('client', 'listener.0.0.0.0_15001.downstream_cx_total');
    const web = webPods[0] ?? '';
    const body = await exec('client', 'istio-proxy', ['curl', '-sS', '--max-time', '5', `http://${podIp[web]}:8080/`]);
    assert.match(body, /you came from 127\.0\.0\.6/, 'it is still captured inbound at web');
    assert.equal(await adminStat('client', 'listener.0.0.0.0_15001.downstream_cx_total'), before);
    const metrics = await exec('client', 'istio-proxy', ['curl', '-s', 'http://127.0.0.1:15090/stats/prometheus']);
    assert.match(metrics, /istio_requests_total\{reporter="source",(?=.*source_workload="client")(?=.*destination_service="web\.hello\.svc\.cluster\.local")(?=.*destination_workload="web").*\} \d+/);
  });

  it('pod-local app to app stays local: nginx sees 127.0.0.1 or its own pod IP, the sidecar sees nothing', async () => {
    const web = webPods[0] ?? '';
    const before = await adminStat(web, 'listener.0.0.0.0_15001.downstream_cx_total');
    const inBefore = await adminStat(web, 'listener.0.0.0.0_15006.downstream_cx_total');
    assert.match(await exec(web, 'nginx', ['curl', '-sS', 'http://127.0.0.1:8080/']), /you came from 127\.0\.0\.1$/m);
    assert.match(await exec(web, 'nginx', ['curl', '-sS', `http://${podIp[web]}:8080/`]), new RegExp(`you came from ${podIp[web]?.replaceAll('.', '\\.')}$`, 'm'));
    assert.equal(await adminStat(web, 'listener.0.0.0.0_15001.downstream_cx_total'), before);
    assert.equal(await adminStat(web, 'listener.0.0.0.0_15006.downstream_cx_total'), inBefore);
  });

  it('mizzen iptables trace on a live pod agrees: app outbound goes to 15001', async () => {
    const r = await runCli(['iptables', 'trace', '--from-namespace', netnsOf('client'), '--direction', 'outbound',
      '--src', podIp['client'] ?? '', '--dst', '10.96.0.3', '--dport', '80', '--uid', '1000', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { verdict: { port: number } }).verdict.port, 15001);
  });

  it('mizzen down removes every namespace, link, file and process', async () => {
    const down = await cli(['down']);
    assert.equal(down.code, 0, down.stderr);
    assert.doesNotMatch(sh(['ip', 'netns', 'list']).stdout, new RegExp(meshId));
    assert.doesNotMatch(sh(['ip', 'link']).stdout, new RegExp(meshId));
    assert.ok(!existsSync(`/etc/netns/${meshId}-hello-client`));
    assert.doesNotMatch(sh(['ps', '-eo', 'args']).stdout, new RegExp(stateDir));
    assert.ok(!existsSync(join(stateDir, 'mesh.json')));
  });
});
