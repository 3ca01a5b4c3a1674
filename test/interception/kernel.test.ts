/**
 * `mizzen iptables` against a real kernel, in network namespaces the test creates: apply and
 * read back, apply again (nothing changes), clean up (tables end exactly as before, foreign
 * rules untouched), refuse invalid input without changing anything, and TPROXY end to end.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { linkPair, Netns, sh, waitFor } from '../helpers/netns.ts';
import { repoRoot } from '../helpers/paths.ts';

const INJECTOR = ['-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020'];

const namespaces: Netns[] = [];
function netns(tag: string): Netns {
  const ns = new Netns(tag);
  namespaces.push(ns);
  return ns;
}
after(() => {
  for (const ns of namespaces) ns.destroy();
});

/**
 * iptables-save without comments and counters, and without tables that hold nothing (no rules,
 * no user chains, ACCEPT policies): iptables-nft creates a table on first use and cannot delete
 * it, and an empty table filters nothing, so it is the same state as no table.
 */
function state(ns: Netns, family: 4 | 6 = 4): string {
  const text = ns.iptablesSave(family).split('\n').filter((l) => !l.startsWith('#')).map((l) => l.replace(/\[\d+:\d+\]/, '[0:0]')).join('\n');
  return text.split(/(?=^\*)/m).filter((block) => {
    const lines = block.split('\n').filter((l) => l !== '' && l !== 'COMMIT' && !l.startsWith('*'));
    return lines.some((l) => l.startsWith('-A') || !/^:[A-Z]+ ACCEPT /.test(l));
  }).join('');
}

describe('mizzen iptables in a real namespace', () => {
  it('applies the injector rules, and iptables-save reads them back', async () => {
    const ns = netns('apply');
    const r = await runCli(['iptables', '--network-namespace', ns.name, ...INJECTOR]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Istio iptables variables:\nPROXY_PORT=15001\nPROXY_INBOUND_CAPTURE_PORT=15006/);
    const nat = ns.iptablesSave(4, 'nat');
    for (const line of [
      '-A PREROUTING -p tcp -j ISTIO_INBOUND',
      '-A OUTPUT -j ISTIO_OUTPUT',
      '-A ISTIO_INBOUND -p tcp -m tcp --dport 15008 -j RETURN',
      '-A ISTIO_INBOUND -p tcp -m tcp --dport 15090 -j RETURN',
      '-A ISTIO_INBOUND -p tcp -m tcp --dport 15021 -j RETURN',
      '-A ISTIO_INBOUND -p tcp -m tcp --dport 15020 -j RETURN',
      '-A ISTIO_INBOUND -p tcp -j ISTIO_IN_REDIRECT',
      '-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006',
      '-A ISTIO_OUTPUT -s 127.0.0.6/32 -o lo -j RETURN',
      '-A ISTIO_OUTPUT ! -d 127.0.0.1/32 -o lo -p tcp -m tcp ! --dport 15008 -m owner --uid-owner 1337 -j ISTIO_IN_REDIRECT',
      '-A ISTIO_OUTPUT -o lo -m owner ! --uid-owner 1337 -j RETURN',
      '-A ISTIO_OUTPUT -m owner --uid-owner 1337 -j RETURN',
      '-A ISTIO_OUTPUT -m owner --gid-owner 1337 -j RETURN',
      '-A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN',
      '-A ISTIO_OUTPUT -j ISTIO_REDIRECT',
      '-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001',
    ]) {
      assert.ok(nat.split('\n').includes(line), `missing in iptables-save: ${line}\n${nat}`);
    }
    assert.equal(nat.split('\n').filter((l) => l.startsWith('-A ISTIO_OUTPUT')).length, 9);
  });

  it('applies again without duplicating or changing anything', async () => {
    const ns = netns('reapply');
    assert.equal((await runCli(['iptables', '--network-namespace', ns.name, ...INJECTOR])).code, 0);
    const first = state(ns);
    const again = await runCli(['iptables', '--network-namespace', ns.name, ...INJECTOR]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /compatible residues/);
    assert.doesNotMatch(again.stderr, /Applying iptables chains and rules/);
    assert.equal(state(ns), first);
  });

  it('cleans up to exactly the state before, leaving foreign rules alone', async () => {
    const ns = netns('cleanup');
    ns.exec(['iptables', '-t', 'nat', '-A', 'POSTROUTING', '-s', '10.99.0.0/16', '-j', 'MASQUERADE']);
    ns.exec(['iptables', '-t', 'filter', '-A', 'INPUT', '-p', 'tcp', '--dport', '22', '-j', 'ACCEPT']);
    ns.exec(['iptables', '-t', 'nat', '-N', 'KUBE-SERVICES']);
    ns.exec(['iptables', '-t', 'nat', '-A', 'OUTPUT', '-j', 'KUBE-SERVICES']);
    const before = state(ns);
    // A TPROXY + DNS + drop-invalid config touches mangle, nat and raw.
    const full = ['-p', '15001', '-z', '15006', '-u', '1337', '-m', 'TPROXY', '-i', '*', '-b', '*', '--redirect-dns', '--capture-all-dns', '--drop-invalid'];
    const applied = await runCli(['iptables', '--network-namespace', ns.name, ...full]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.notEqual(state(ns), before);
    assert.match(ns.exec(['ip', 'rule', 'show']), /fwmark 0x539 lookup 133/);
    // Cleanup with the default injector flags still removes what the other config wrote.
    const cleaned = await runCli(['iptables', '--network-namespace', ns.name, '--cleanup-only', ...INJECTOR]);
    assert.equal(cleaned.code, 0, cleaned.stderr);
    assert.equal(state(ns), before);
    assert.doesNotMatch(ns.exec(['ip', 'rule', 'show']), /lookup 133/);
  });

  it('with IPv6 on, applies both families and puts ::6 on lo; --force-apply re-applies over existing rules', async () => {
    const ns = netns('ipv6');
    const file = join(mkdtempSync(join(tmpdir(), 'mizzen-v6-')), 'cfg.json');
    writeFileSync(file, JSON.stringify({ EnableIPv6: true }));
    const r = await runCli(['iptables', '--network-namespace', ns.name, '--config-file', file, ...INJECTOR]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(ns.exec(['ip', '-6', 'addr', 'show', 'dev', 'lo']), /inet6 ::6\/128/);
    assert.match(ns.iptablesSave(6, 'nat'), /-A ISTIO_OUTPUT -s ::6\/128 -o lo -j RETURN/);
    assert.match(ns.iptablesSave(6, 'nat'), /-A ISTIO_OUTPUT -j ISTIO_REDIRECT/);
    // The chains exist already, so a forced restore fails as Istio's does ("usually fails if the chains exist").
    const forced = await runCli(['iptables', '--network-namespace', ns.name, '--config-file', file, '--force-apply', ...INJECTOR]);
    assert.notEqual(forced.code, 0);
    assert.match(forced.stderr, /iptables-restore --noflush failed/);
    // After a cleanup, --force-apply applies normally.
    assert.equal((await runCli(['iptables', '--network-namespace', ns.name, '--config-file', file, '--cleanup-only', ...INJECTOR])).code, 0);
    const again = await runCli(['iptables', '--network-namespace', ns.name, '--config-file', file, '--force-apply', ...INJECTOR]);
    assert.equal(again.code, 0, again.stderr);
  });

  it('reconciles a different existing ruleset when asked', async () => {
    const ns = netns('reconcile');
    assert.equal((await runCli(['iptables', '--network-namespace', ns.name, ...INJECTOR, '-q', '9999'])).code, 0);
    const r = await runCli(['iptables', '--network-namespace', ns.name, '--reconcile', ...INJECTOR]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /reconciliation is needed/);
    const nat = ns.iptablesSave(4, 'nat');
    assert.doesNotMatch(nat, /9999/);
    assert.match(nat, /-A ISTIO_OUTPUT -j ISTIO_REDIRECT/);
    assert.doesNotMatch(ns.iptablesSave(4, 'filter'), /DROP/, 'guardrails were removed');
    // Without --reconcile a different state is left as it is and the new rules are added alongside.
    const fresh = netns('noreconcile');
    assert.equal((await runCli(['iptables', '--network-namespace', fresh.name, ...INJECTOR, '-q', '9999'])).code, 0);
    const r2 = await runCli(['iptables', '--network-namespace', fresh.name, ...INJECTOR]);
    assert.match(r2.stderr, /reconcile is recommended/);
  });

  it('refuses invalid input with the flag and value named, and changes nothing', async () => {
    const ns = netns('invalid');
    const before = state(ns);
    const cases: [string[], RegExp, NodeJS.ProcessEnv?][] = [
      [[...INJECTOR, '-b', '8080,99999'], /--istio-inbound-ports: "8080,99999": "99999" is not a port/],
      [[...INJECTOR, '-x', '*'], /--istio-service-exclude-cidr: "\*".*OUTBOUND_IP_RANGES_EXCLUDE/],
      [[...INJECTOR, '-i', '10.0.0.0/33'], /--istio-service-cidr: "10.0.0.0\/33"/],
      [[...INJECTOR, '-m', 'TPORXY'], /--istio-inbound-interception-mode: "TPORXY"/],
      [[...INJECTOR, '-p', 'abc'], /--envoy-port: "abc"/],
      [INJECTOR, /ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR: "10.0.0.1\/32".*loopback/, { ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR: '10.0.0.1/32' }],
      [INJECTOR, /environment variable DROP_INVALID: "maybe"/, { DROP_INVALID: 'maybe' }],
    ];
    for (const [args, re, env] of cases) {
      const r = await runCli(['iptables', '--network-namespace', ns.name, ...args], { env: { ...process.env, ...env } });
      assert.notEqual(r.code, 0, `expected failure for ${args.join(' ')}`);
      assert.match(r.stderr, re);
    }
    assert.equal(state(ns), before);
  });

  it('runs inside the namespace too (as istio-init does), and --run-validation proves the redirect', async () => {
    const ns = netns('inside');
    const r = await runCli(['iptables', ...INJECTOR, '--run-validation'], { prefix: ns.argv([]) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Validation passed: connection to 127.0.0.6:15002 was redirected to port 15006/);
    // Validation against a namespace with no rules fails with istio-validation's exit code.
    const bare = netns('bare');
    const v = await runCli(['iptables', '--skip-rule-apply', '--run-validation', '--probe-timeout', '1s'], { prefix: bare.argv([]) });
    assert.equal(v.code, 126, v.stderr);
  });

  it('TPROXY: a listener receives a connection addressed to a non-local destination and sees it as its local address', async () => {
    const client = netns('tpc');
    const pod = netns('tpp');
    const { aIp, bIp, aIf } = linkPair(client, pod, 41);
    const remote = '10.251.141.99'; // not assigned anywhere; routed to the pod
    client.exec(['ip', 'route', 'add', `${remote}/32`, 'via', bIp, 'dev', aIf]);
    const r = await runCli(['iptables', '--network-namespace', pod.name, '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'TPROXY', '-i', '*', '-b', '*']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(pod.exec(['ip', 'rule', 'show']), /fwmark 0x539 lookup 133/);
    assert.match(pod.exec(['ip', 'route', 'show', 'table', '133']), /local default dev lo/);

    const listener = pod.start([process.execPath, `${repoRoot}/test/fixtures/tproxy-listener.ts`, '15006']);
    let out = '';
    listener.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.includes('listening'), 10000, 'the transparent listener');
    for (const [dst, port] of [[remote, 8080], [bIp, 9090]] as const) {
      const curl = sh(client.argv(['curl', '-sS', '--max-time', '5', `http://${dst}:${port}/`]));
      assert.equal(curl.code, 0, curl.stderr);
      const seen = JSON.parse(curl.stdout) as { localAddress: string; localPort: number; remoteAddress: string };
      assert.deepEqual(seen, { localAddress: dst, localPort: port, remoteAddress: aIp });
    }
  });
});
