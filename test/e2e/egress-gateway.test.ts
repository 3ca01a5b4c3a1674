/**
 * The egress gateway on a real one-host mesh: `mizzen up --egress-gateway` runs
 * istio-system/istio-egressgateway (the same `mizzen gateway` as the ingress gateway, labels
 * istio: egressgateway, Service 80/443, not exposed on the host), and Istio's egress gateway task
 * (test/e2e/egress-gateway/egress-gateway.yaml) sends the client's calls to an external host (the
 * ext-named pod of test/e2e/egress: no sidecar, namespace outside) through it. The access logs
 * show each hop: the client's sidecar sends to outbound|PORT|external|istio-egressgateway...,
 * the egress gateway to outbound|PORT||external.example.com; for HTTP, and for TLS passed through
 * by SNI (the external server's own certificate reaches the client).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mustRunCli, runCli, type CliResult } from '../helpers/cli.ts';
import { repoRoot } from '../helpers/paths.ts';

const stateDir = mkdtempSync(join(tmpdir(), 'mizzen-egress-gw-'));
const env = { ...process.env, MIZZEN_STATE_DIR: stateDir };
const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, { env });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const GW = 'istio-egressgateway.istio-system.svc.cluster.local';
/** Any address outside the mesh: the sidecar routes by Host or SNI, not by where the app connects. */
const FAR_IP = '240.240.9.9';
let gatewayPod = '';

const mustCli = (args: readonly string[]): Promise<string> => mustRunCli(args, { env });

async function curl(url: string, extra: readonly string[]): Promise<{ status: number; body: string; stderr: string }> {
  const r = await cli(['exec', 'client', '-n', 'egress', '--', 'curl', '-sS', '--max-time', '10', ...extra, '-w', '\n@%{http_code}', url]);
  const m = /\n@(\d{3})$/.exec(r.stdout);
  assert.ok(m, `curl ${url}: ${r.stdout} ${r.stderr}`);
  return { status: Number(m[1]), body: r.stdout.slice(0, m.index), stderr: r.stderr };
}

/** The last line matching `re` in a pod's log (waiting a little for it). */
async function logLine(pod: string, ns: string, container: string | undefined, re: RegExp): Promise<string> {
  let log = '';
  for (let i = 0; i < 20; i++) {
    log = await mustCli(['logs', pod, '-n', ns, ...(container ? ['-c', container] : [])]);
    const line = log.split('\n').filter((l) => re.test(l)).at(-1);
    if (line) return line;
    await sleep(250);
  }
  assert.fail(`no line matching ${String(re)} in ${ns}/${pod}'s log:\n${log.split('\n').slice(-15).join('\n')}`);
}

async function until(what: string, ok: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if (await ok()) return;
    await sleep(500);
  }
  assert.fail(`timed out waiting for ${what}`);
}

before(async () => {
  const up = await cli(['up', '-f', join(repoRoot, 'test', 'e2e', 'egress'), '--egress-gateway']);
  assert.equal(up.code, 0, up.stderr);
  assert.doesNotMatch(up.stdout, /istio-egressgateway: http/, 'the egress gateway is not exposed on the host');
  gatewayPod = (await mustCli(['get', 'pods', '-n', 'istio-system', '-o', 'name'])).split('\n').find((l) => l.includes('istio-egressgateway'))?.split('/')[1] ?? '';
  assert.ok(gatewayPod, 'an istio-egressgateway pod runs');
  await mustCli(['apply', '-f', join(repoRoot, 'test', 'e2e', 'egress-gateway', 'egress-gateway.yaml')]);
  await until('the client\'s route to the egress gateway', async () =>
    (await cli(['proxy-config', 'route', 'client.egress', '-o', 'json'])).stdout.includes(`outbound|80|external|${GW}`));
  await until('the egress gateway\'s listeners', async () => {
    const l = (await cli(['proxy-config', 'listener', `${gatewayPod}.istio-system`])).stdout;
    return l.includes('8080') && l.includes('8443');
  });
});

after(async () => {
  const down = await cli(['down']);
  rmSync(stateDir, { recursive: true, force: true });
  assert.equal(down.code, 0, down.stderr);
});

describe('the egress gateway (Istio\'s egress gateway task)', () => {
  it('runs in istio-system with Istio\'s labels and Service ports, without a sidecar', async () => {
    assert.match(await mustCli(['get', 'pods', '-n', 'istio-system']), new RegExp(`${gatewayPod}\\s+1/1\\s+Running`));
    const pods = JSON.parse(await mustCli(['get', 'pods', '-n', 'istio-system', '-o', 'json'])) as { items: { metadata: { name: string; labels: Record<string, string> } }[] };
    const labels = pods.items.find((p) => p.metadata.name === gatewayPod)?.metadata.labels ?? {};
    assert.equal(labels['istio'], 'egressgateway');
    assert.equal(labels['app'], 'istio-egressgateway');
    const svc = await mustCli(['get', 'svc', 'istio-egressgateway', '-n', 'istio-system']);
    assert.match(svc, /\b80\/TCP/, svc);
    assert.match(svc, /\b443\/TCP/, svc);
  });

  it('HTTP: client sidecar -> egress gateway -> external host, seen in both access logs', async () => {
    let r = { status: 0, body: '', stderr: '' };
    await until('an answer through the egress gateway', async () => {
      r = await curl('http://external.example.com/http-via-egress', ['--connect-to', `external.example.com:80:${FAR_IP}:80`]);
      return r.status === 200;
    });
    assert.equal(r.body, 'external ext-named external.example.com\n');
    await logLine('client', 'egress', 'istio-proxy', new RegExp(`"GET /http-via-egress HTTP/1\\.1" 200 .* outbound\\|80\\|external\\|${GW.replaceAll('.', '\\.')} `));
    // The sidecar speaks HTTP/2 to the gateway (its Service port is named http2), as Istio does.
    await logLine(gatewayPod, 'istio-system', undefined, /"GET \/http-via-egress HTTP\/2" 200 .* outbound\|80\|\|external\.example\.com /);
  });

  it('TLS passthrough by SNI: client sidecar -> egress gateway -> external host, the external server\'s certificate end to end', async () => {
    let r = { status: 0, body: '', stderr: '' };
    await until('an answer through the egress gateway', async () => {
      r = await curl('https://external.example.com/tls-via-egress', ['-k', '-v', '--connect-to', `external.example.com:443:${FAR_IP}:443`]);
      return r.status === 200;
    });
    assert.equal(r.body, 'external ext-named external.example.com\n');
    assert.match(r.stderr, /subject: CN=ext\b/, 'the client sees the external server\'s own certificate');
    await logLine('client', 'egress', 'istio-proxy', new RegExp(`"- - -" 0 - .* outbound\\|443\\|external\\|${GW.replaceAll('.', '\\.')} `));
    await logLine(gatewayPod, 'istio-system', undefined, /"- - -" 0 - .* outbound\|443\|\|external\.example\.com /);
  });
});
