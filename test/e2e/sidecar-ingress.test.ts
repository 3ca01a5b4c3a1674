/**
 * The Sidecar resource's ingress listeners on real traffic (test/e2e/sidecar-ingress): two apps
 * behind Services with targetPort 8080 that listen elsewhere (0.0.0.0:9090 and 127.0.0.1:9091).
 * Without a Sidecar, the inbound cluster inbound|8080|| goes to the original destination, where
 * nothing listens (503). A namespace-wide Sidecar with `ingress: [{port: 8080, defaultEndpoint:
 * 0.0.0.0:9090}]` makes inbound|8080|| a STATIC cluster to the pod's IP, port 9090; a Sidecar
 * with a workloadSelector for app beats it there, sending 8080 to 127.0.0.1:9091. The app sees
 * the sidecar's 127.0.0.6 as peer. Shown in the server's answer, the access logs and proxy-config.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mustRunCli, runCli, type CliResult } from '../helpers/cli.ts';
import { repoRoot } from '../helpers/paths.ts';

const fixture = join(repoRoot, 'test', 'e2e', 'sidecar-ingress');
const stateDir = mkdtempSync(join(tmpdir(), 'mizzen-sidecar-ingress-'));
const env = { ...process.env, MIZZEN_STATE_DIR: stateDir };
const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, { env });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const mustCli = (args: readonly string[]): Promise<string> => mustRunCli(args, { env });

async function curl(url: string): Promise<{ status: number; body: string }> {
  const r = await cli(['exec', 'client', '-n', 'ing', '--', 'curl', '-sS', '--max-time', '5', '-w', '\n@%{http_code}', url]);
  const m = /\n@(\d{3})$/.exec(r.stdout);
  assert.ok(m, `curl ${url}: ${r.stdout} ${r.stderr}`);
  return { status: Number(m[1]), body: r.stdout.slice(0, m.index) };
}

async function untilCluster(pod: string, ok: (json: string) => boolean, why: string): Promise<string> {
  let json = '';
  for (let i = 0; i < 80; i++) {
    const r = await cli(['proxy-config', 'cluster', `${pod}.ing`, '-o', 'json']);
    json = r.stdout;
    if (r.code === 0 && ok(json)) return json;
    await sleep(500);
  }
  assert.fail(`${pod} never got ${why}: ${json.slice(0, 1500)}`);
}

async function logLine(pod: string, re: RegExp): Promise<string> {
  let log = '';
  for (let i = 0; i < 20; i++) {
    log = await mustCli(['logs', pod, '-n', 'ing', '-c', 'istio-proxy']);
    const line = log.split('\n').filter((l) => re.test(l)).at(-1);
    if (line) return line;
    await sleep(250);
  }
  assert.fail(`no line matching ${String(re)} in ${pod}'s istio-proxy log:\n${log.split('\n').slice(-10).join('\n')}`);
}

before(async () => {
  const up = await cli(['up', '-f', fixture]);
  assert.equal(up.code, 0, up.stderr);
  await untilCluster('client', (j) => j.includes('outbound|80||app2.ing.svc.cluster.local'), 'the registry');
  await untilCluster('app', (j) => j.includes('inbound|8080||'), 'its inbound cluster');
});

after(async () => {
  const down = await cli(['down']);
  rmSync(stateDir, { recursive: true, force: true });
  assert.equal(down.code, 0, down.stderr);
});

describe('Sidecar ingress listeners', () => {
  it('without a Sidecar: inbound|8080|| goes to the original destination, where nothing listens', async () => {
    const r = await curl('http://app/none');
    assert.equal(r.status, 503, r.body);
    await logLine('app', /"GET \/none HTTP\/1\.1" 503 UF.* inbound\|8080\|\| /);
  });

  it('defaultEndpoint 0.0.0.0:9090 (namespace-wide) and 127.0.0.1:9091 (workloadSelector, which wins for app)', async () => {
    await mustCli(['apply', '-f', join(fixture, 'scenarios', 'sidecars.yaml')]);
    const app = await untilCluster('app', (j) => j.includes('"STATIC"') && j.includes('9091'), 'the STATIC inbound cluster');
    assert.ok(app.includes('127.0.0.1'), app.slice(0, 1000));
    const app2 = await untilCluster('app2', (j) => j.includes('"STATIC"') && j.includes('9090'), 'the STATIC inbound cluster');
    const ip2 = (JSON.parse(await mustCli(['get', 'pods', 'app2', '-n', 'ing', '-o', 'json'])) as { status: { podIP: string } }).status.podIP;
    assert.ok(app2.includes(ip2), `app2's endpoint is its own IP ${ip2}`);

    const viaSelector = await curl('http://app/selected');
    assert.equal(viaSelector.status, 200, viaSelector.body);
    assert.equal(viaSelector.body, 'app on 127.0.0.1:9091 from 127.0.0.6\n');
    await logLine('app', /"GET \/selected HTTP\/1\.1" 200 .* inbound\|8080\|\| /);

    const viaNamespace = await curl('http://app2/namespace-wide');
    assert.equal(viaNamespace.status, 200, viaNamespace.body);
    assert.equal(viaNamespace.body, 'app2 on 0.0.0.0:9090 from 127.0.0.6\n');
    await logLine('app2', new RegExp(`"GET /namespace-wide HTTP/1\\.1" 200 .* "${ip2.replaceAll('.', '\\.')}:9090" inbound\\|8080\\|\\| `));

    const listeners = await mustCli(['proxy-config', 'listener', 'app.ing', '--port', '15006']);
    assert.match(listeners, /0\.0\.0\.0\s+15006\s+Addr: \*:8080\s+Inline Route/, listeners);
  });
});
