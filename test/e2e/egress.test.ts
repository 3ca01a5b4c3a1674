/**
 * Egress and scoping on a real one-host mesh (test/e2e/egress): a client pod in namespace egress
 * calls an "external" server (a pod without sidecar in namespace outside, no Service in front of
 * it) and a mesh service in namespace other. Shown on real traffic and in the client sidecar's
 * access log: ALLOW_ANY sends unknown HTTP and TCP destinations through PassthroughCluster; a
 * Sidecar with outboundTrafficPolicy REGISTRY_ONLY refuses them (HTTP: Istio's block_all virtual
 * host answers 502; TCP: BlackHoleCluster closes the connection); MESH_EXTERNAL ServiceEntries
 * with resolution STATIC, DNS and NONE make their hosts reachable again (and show up as
 * outbound|PORT||host clusters) while other external addresses stay blocked, HTTPS and TLS
 * entries on one port told apart by SNI, unknown SNI refused; and a Sidecar's
 * egress hosts ["./*", "istio-system/*"] takes the other namespace's service out of the client's
 * config, so calls to it fall to block_all (REGISTRY_ONLY) or PassthroughCluster (ALLOW_ANY).
 * Last, the mesh comes up again with REGISTRY_ONLY as the mesh-wide default (`mizzen up
 * --outbound-traffic-policy`, which istiod gets as its flag; there is no `istio` ConfigMap).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mustRunCli, runCli, type CliResult } from '../helpers/cli.ts';
import { repoRoot } from '../helpers/paths.ts';

const fixture = join(repoRoot, 'test', 'e2e', 'egress');
const scenario = (name: string): string => join(fixture, 'scenarios', `${name}.yaml`);
const stateDir = mkdtempSync(join(tmpdir(), 'mizzen-egress-'));
const env = { ...process.env, MIZZEN_STATE_DIR: stateDir };
const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, { env });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const CLIENT = 'client.egress';
const FAR = 'far.other.svc.cluster.local';
let extIp = '';

const mustCli = (args: readonly string[]): Promise<string> => mustRunCli(args, { env });

/** curl from the client pod; the status code (000 when the connection failed) and the body. */
async function curl(url: string, extra: readonly string[] = []): Promise<{ status: number; body: string }> {
  const r = await cli(['exec', 'client', '-n', 'egress', '--', 'curl', '-sS', '--max-time', '5', ...extra, '-w', '\n@%{http_code}', url]);
  const m = /\n@(\d{3})$/.exec(r.stdout);
  assert.ok(m, `curl ${url}: ${r.stdout} ${r.stderr}`);
  return { status: Number(m[1]), body: r.stdout.slice(0, m.index) };
}

/** One TCP exchange from the client pod: what came back for `ping` ('' when the connection was closed or reset). */
async function tcpPing(ip: string, port: number): Promise<string> {
  const script = [
    'import socket, sys',
    's = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)',
    'try:',
    '    s.sendall(b"ping"); print(s.recv(100).decode(), end="")',
    'except OSError as e:',
    '    print("", end="")',
  ].join('\n');
  const r = await cli(['exec', 'client', '-n', 'egress', '--', 'python3', '-c', script, ip, String(port)]);
  return r.stdout;
}

/** The last line of the client sidecar's access log matching `re`, waiting a little for it. */
async function logLine(re: RegExp): Promise<string> {
  let log = '';
  for (let i = 0; i < 20; i++) {
    log = await mustCli(['logs', 'client', '-n', 'egress', '-c', 'istio-proxy']);
    const line = log.split('\n').filter((l) => re.test(l)).at(-1);
    if (line) return line;
    await sleep(250);
  }
  assert.fail(`no line matching ${String(re)} in the client's istio-proxy log:\n${log.split('\n').slice(-15).join('\n')}`);
}

async function clusters(): Promise<string[]> {
  const all = JSON.parse(await mustCli(['proxy-config', 'cluster', CLIENT, '-o', 'json'])) as { name: string }[];
  return all.map((c) => c.name);
}

/** Waits until the client's sidecar holds config (`proxy-config <kind> -o json`) satisfying `ok`. */
async function untilConfig(kind: 'cluster' | 'listener' | 'route', ok: (json: string) => boolean, why: string): Promise<void> {
  let json = '';
  for (let i = 0; i < 60; i++) {
    const r = await cli(['proxy-config', kind, CLIENT, '-o', 'json']);
    json = r.stdout;
    if (r.code === 0 && ok(json)) return;
    await sleep(500);
  }
  assert.fail(`the client never got ${why}: ${json.slice(0, 1500)}`);
}

const blackholes = (json: string): boolean => json.includes('"block_all"');

before(async () => {
  const up = await cli(['up', '-f', fixture]);
  assert.equal(up.code, 0, up.stderr);
  const pods = JSON.parse(await mustCli(['get', 'pods', '-n', 'outside', '-o', 'json'])) as { items: { metadata: { name: string }; status: { podIP: string } }[] };
  extIp = pods.items.find((p) => p.metadata.name === 'ext')?.status.podIP ?? '';
  assert.match(extIp, /^\d+\.\d+\.\d+\.\d+$/);
  // The client's sidecar is ready once it has far's cluster (its first full push).
  await untilConfig('cluster', (j) => j.includes(`outbound|8080||${FAR}`), 'the registry');
});

after(async () => {
  const down = await cli(['down']);
  rmSync(stateDir, { recursive: true, force: true });
  assert.equal(down.code, 0, down.stderr);
});

describe('egress: outbound traffic policy, ServiceEntry and Sidecar scoping', () => {
  it('comes up: client and far with sidecars, the external servers without', async () => {
    assert.match(await mustCli(['get', 'pods', '-n', 'egress']), /client\s+2\/2\s+Running/);
    assert.match(await mustCli(['get', 'pods', '-n', 'other']), /far\s+2\/2\s+Running/);
    const outside = await mustCli(['get', 'pods', '-n', 'outside']);
    assert.match(outside, /ext\s+1\/1\s+Running/);
    assert.match(outside, /ext-named\s+1\/1\s+Running/);
  });

  it('ALLOW_ANY (the mesh default): an address outside the registry is reached through PassthroughCluster, HTTP and TCP', async () => {
    const r = await curl(`http://${extIp}:8080/allow-any`);
    assert.equal(r.status, 200, r.body);
    assert.match(r.body, /^external ext /);
    await logLine(new RegExp(`"GET /allow-any HTTP/1\\.1" 200 .* "${extIp.replaceAll('.', '\\.')}:8080" PassthroughCluster .* allow_any`));
    assert.equal(await tcpPing(extIp, 9000), 'echo ping');
    await logLine(new RegExp(`"- - -" 0 - .* "${extIp.replaceAll('.', '\\.')}:9000" PassthroughCluster `));
    const far = await curl(`http://${FAR}:8080/in-mesh`);
    assert.equal(far.status, 200);
    assert.equal(far.body, 'far in other\n');
    await logLine(new RegExp(`"GET /in-mesh HTTP/1\\.1" 200 .* outbound\\|8080\\|\\|${FAR.replaceAll('.', '\\.')} `));
  });

  it('REGISTRY_ONLY (Sidecar outboundTrafficPolicy): the same calls are refused, HTTP 502 block_all, TCP by BlackHoleCluster', async () => {
    await mustCli(['apply', '-f', scenario('sidecar-registry-only')]);
    await untilConfig('route', blackholes, 'the block_all virtual host');
    await untilConfig('listener', (j) => j.includes('BlackHoleCluster'), 'BlackHoleCluster in virtualOutbound');
    const r = await curl(`http://${extIp}:8080/registry-only`);
    assert.equal(r.status, 502, r.body);
    await logLine(/"GET \/registry-only HTTP\/1\.1" 502 .* block_all/);
    assert.equal(await tcpPing(extIp, 9000), '', 'the TCP connection is closed without an answer');
    await logLine(new RegExp(`"- - -" 0 .* BlackHoleCluster `));
    assert.equal((await curl(`http://${FAR}:8080/`)).status, 200, 'registry services are still reachable');
  });

  it('ServiceEntry MESH_EXTERNAL STATIC, DNS and NONE: their hosts are reachable under REGISTRY_ONLY, other addresses stay blocked', async () => {
    const dir = mkdtempSync(join(stateDir, 'se-'));
    const file = join(dir, 'service-entries.yaml');
    writeFileSync(file, readFileSync(scenario('service-entries'), 'utf8').replaceAll('@EXT_IP@', extIp));
    await mustCli(['apply', '-f', file]);
    const wanted = ['outbound|8080||static.ext.test', 'outbound|8080||dns.ext.test', 'outbound|9000||none.ext.test', 'outbound|9000||tcp.ext.test',
      'outbound|8443||https.ext.test', 'outbound|8443||tls.ext.test'];
    await untilConfig('cluster', (j) => wanted.every((c) => j.includes(c)), 'the ServiceEntry clusters');
    // As in Istio: STATIC is an EDS cluster (endpoints from the entry), DNS a STRICT_DNS one, NONE ORIGINAL_DST.
    const text = await mustCli(['proxy-config', 'cluster', CLIENT]);
    for (const c of ['static.ext.test\\s+8080\\s+-\\s+outbound\\s+EDS', 'dns.ext.test\\s+8080\\s+-\\s+outbound\\s+STRICT_DNS', 'none.ext.test\\s+9000\\s+-\\s+outbound\\s+ORIGINAL_DST']) {
      assert.match(text, new RegExp(c), text);
    }

    const viaStatic = await curl('http://static.ext.test:8080/static', ['--connect-to', `static.ext.test:8080:${extIp}:8080`]);
    assert.equal(viaStatic.status, 200, viaStatic.body);
    assert.equal(viaStatic.body, 'external ext static.ext.test:8080\n');
    await logLine(/"GET \/static HTTP\/1\.1" 200 .* outbound\|8080\|\|static\.ext\.test /);

    // The app connects anywhere on 8080 (here: ext's IP); the sidecar routes by Host and resolves ext-name.
    const viaDns = await curl('http://dns.ext.test:8080/dns', ['--connect-to', `dns.ext.test:8080:${extIp}:8080`]);
    assert.equal(viaDns.status, 200, viaDns.body);
    assert.match(viaDns.body, /^external ext-named dns\.ext\.test:8080\n$/);
    await logLine(/"GET \/dns HTTP\/1\.1" 200 .* outbound\|8080\|\|dns\.ext\.test /);

    assert.equal(await tcpPing(extIp, 9000), 'echo ping', 'NONE: TCP on 9000 goes to the original destination');
    await logLine(new RegExp(`"- - -" 0 - .* "${extIp.replaceAll('.', '\\.')}:9000" outbound\\|9000\\|\\|none\\.ext\\.test `));
    assert.equal(await tcpPing('240.240.0.10', 9000), 'echo ping', 'STATIC with addresses: the virtual address reaches the endpoint');
    await logLine(new RegExp(`"- - -" 0 - .* "${extIp.replaceAll('.', '\\.')}:9000" outbound\\|9000\\|\\|tcp\\.ext\\.test \\S+ 240\\.240\\.0\\.10:9000 `));
    assert.match(await mustCli(['proxy-config', 'listener', CLIENT]), /240\.240\.0\.10\s+9000\s+ALL\s+Cluster: outbound\|9000\|\|tcp\.ext\.test/);

    // HTTPS (NONE) and TLS (DNS) share 0.0.0.0_8443: tls_inspector's SNI picks the chain, other SNI fall through.
    const listeners = await mustCli(['proxy-config', 'listener', CLIENT, '--port', '8443']);
    assert.match(listeners, /0\.0\.0\.0\s+8443\s+SNI: https\.ext\.test\s+Cluster: outbound\|8443\|\|https\.ext\.test/, listeners);
    assert.match(listeners, /0\.0\.0\.0\s+8443\s+SNI: tls\.ext\.test\s+Cluster: outbound\|8443\|\|tls\.ext\.test/, listeners);
    assert.match(listeners, /0\.0\.0\.0\s+8443\s+ALL\s+BlackHoleCluster/, listeners);
    const https = (sni: string): Promise<{ status: number; body: string }> =>
      curl(`https://${sni}:8443/${sni}`, ['-k', '--connect-to', `${sni}:8443:${extIp}:8443`]);
    assert.deepEqual(await https('https.ext.test'), { status: 200, body: 'external ext https.ext.test:8443\n' }, 'NONE: to the original destination');
    await logLine(new RegExp(`"- - -" 0 - .* "${extIp.replaceAll('.', '\\.')}:8443" outbound\\|8443\\|\\|https\\.ext\\.test `));
    assert.deepEqual(await https('tls.ext.test'), { status: 200, body: 'external ext-named tls.ext.test:8443\n' }, 'DNS: SNI tls.ext.test goes to ext-name, whatever the address');
    await logLine(/"- - -" 0 - .* outbound\|8443\|\|tls\.ext\.test /);
    assert.equal((await https('unknown.ext.test')).status, 0, 'an SNI no ServiceEntry names is refused');
    await logLine(new RegExp(`"- - -" 0 UH .* BlackHoleCluster - ${extIp.replaceAll('.', '\\.')}:8443 `));

    const blocked = await curl(`http://${extIp}:8080/still-blocked`);
    assert.equal(blocked.status, 502, 'a Host no ServiceEntry names is still refused');
    await logLine(/"GET \/still-blocked HTTP\/1\.1" 502 .* block_all/);
  });

  it('Sidecar egress ["./*", "istio-system/*"]: far (namespace other) leaves the client\'s config and falls to block_all, then to PassthroughCluster under ALLOW_ANY', async () => {
    assert.ok((await clusters()).includes(`outbound|8080||${FAR}`));
    await mustCli(['apply', '-f', scenario('sidecar-scoped-registry-only')]);
    await untilConfig('cluster', (j) => !j.includes(FAR), `a config without ${FAR}`);
    const names = await clusters();
    assert.ok(names.includes('outbound|15010||istiod.istio-system.svc.cluster.local'), names.join(' '));
    assert.ok(names.includes('outbound|8080||static.ext.test'), 'the namespace\'s own ServiceEntries stay');
    assert.ok(!names.some((n) => n.includes('.other.') || n.includes('.outside.')), names.join(' '));

    const refused = await curl(`http://${FAR}:8080/scoped-blocked`);
    assert.equal(refused.status, 502, refused.body);
    await logLine(/"GET \/scoped-blocked HTTP\/1\.1" 502 .* block_all/);

    await mustCli(['apply', '-f', scenario('sidecar-scoped-allow-any')]);
    await untilConfig('route', (j) => j.includes('"allow_any"') && !blackholes(j), 'the allow_any virtual host');
    const passed = await curl(`http://${FAR}:8080/scoped-passthrough`);
    assert.equal(passed.status, 200, passed.body);
    assert.equal(passed.body, 'far in other\n');
    await logLine(/"GET \/scoped-passthrough HTTP\/1\.1" 200 .* PassthroughCluster .* allow_any/);
    assert.ok(!(await clusters()).includes(`outbound|8080||${FAR}`));
  });

  it('REGISTRY_ONLY from the mesh config (`mizzen up --outbound-traffic-policy REGISTRY_ONLY`, istiod\'s flag): blocked without any Sidecar', async () => {
    assert.equal((await cli(['down'])).code, 0);
    const up = await cli(['up', '--outbound-traffic-policy', 'REGISTRY_ONLY', '-f', fixture]);
    assert.equal(up.code, 0, up.stderr);
    await untilConfig('cluster', (j) => j.includes(`outbound|8080||${FAR}`), 'the registry');
    await untilConfig('route', blackholes, 'the block_all virtual host');
    const pods = JSON.parse(await mustCli(['get', 'pods', '-n', 'outside', '-o', 'json'])) as { items: { metadata: { name: string }; status: { podIP: string } }[] };
    extIp = pods.items.find((p) => p.metadata.name === 'ext')?.status.podIP ?? '';
    const r = await curl(`http://${extIp}:8080/mesh-registry-only`);
    assert.equal(r.status, 502, r.body);
    await logLine(/"GET \/mesh-registry-only HTTP\/1\.1" 502 - direct_response .* block_all/);
    assert.equal(await tcpPing(extIp, 9000), '');
    await logLine(/"- - -" 0 UH .* BlackHoleCluster /);
    assert.equal((await curl(`http://${FAR}:8080/`)).status, 200);
    // A namespace's Sidecar overrides the mesh default.
    await mustCli(['apply', '-f', scenario('sidecar-scoped-allow-any')]);
    await untilConfig('listener', (j) => j.includes('PassthroughCluster') && !j.includes('BlackHoleCluster'), 'PassthroughCluster in virtualOutbound');
    assert.equal(await tcpPing(extIp, 9000), 'echo ping');
  });
});
