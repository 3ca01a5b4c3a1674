/**
 * `mizzen iptables trace` through the real CLI: text and JSON output, the three rule sources
 * (flags, a live namespace, an iptables-save file), `-o` as output format and as the outbound
 * port exclusion, and packet errors that exit non-zero naming the flag.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { Netns } from '../helpers/netns.ts';

const injectorArgs = ['-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020'];
const appToService = ['--direction', 'outbound', '--src', '10.0.0.5', '--dst', '10.96.0.10', '--dport', '80', '--uid', '1000'];

interface JsonTrace {
  packet: Record<string, unknown>;
  source: string;
  steps: { table: string; chain: string; index: number; rule: string; matched: boolean; action: string }[];
  verdict: { kind: string; port?: number; table?: string; chain?: string; destination: { address: string; port: number }; summary: string };
  mark: number;
  connmark: number;
  zone: number | null;
}

async function traceJson(args: readonly string[]): Promise<JsonTrace> {
  const r = await runCli(['iptables', 'trace', ...args, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as JsonTrace;
}

const matched = (t: JsonTrace): string[] => t.steps.filter((s) => s.matched).map((s) => `${s.table} ${s.chain}#${s.index}`);
const visited = (t: JsonTrace): string[] => t.steps.map((s) => `${s.table} ${s.chain}#${s.index}:${s.matched}`);

describe('mizzen iptables trace (CLI)', () => {
  let ns: Netns | undefined;
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mizzen-trace-'));
    ns = new Netns('trcli');
    const dry = await runCli(['iptables', '--dry-run', ...injectorArgs]);
    assert.equal(dry.code, 0, dry.stderr);
    const doc = dry.stdout.split('\n').filter((l) => !/^ip6?tables-save$/.test(l)).join('\n');
    ns.exec(['iptables-restore', '--noflush'], doc);
  });
  after(() => {
    ns?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the walk and the verdict as text', async () => {
    const r = await runCli(['iptables', 'trace', ...injectorArgs, ...appToService]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^packet: outbound tcp 10\.0\.0\.5:40000 -> 10\.96\.0\.10:80/);
    assert.match(r.stdout, /\nrules: generated from flags \(IPv4\)\n/);
    assert.match(r.stdout, /\nverdict: REDIRECT to 15001 \(nat OUTPUT -> ISTIO_OUTPUT -> ISTIO_REDIRECT\); new destination 127\.0\.0\.1:15001\n/);
  });

  it('prints JSON with -o json', async () => {
    const t = await traceJson([...injectorArgs, ...appToService]);
    assert.equal(t.source, 'flags');
    assert.equal(t.packet['dst'], '10.96.0.10');
    assert.equal(t.packet['uid'], 1000);
    assert.deepEqual(t.verdict.destination, { address: '127.0.0.1', port: 15001 });
    assert.equal(t.verdict.kind, 'redirect');
    assert.equal(t.verdict.port, 15001);
    assert.equal(t.verdict.table, 'nat');
    assert.equal(t.verdict.chain, 'ISTIO_REDIRECT');
    assert.deepEqual(matched(t), ['nat OUTPUT#1', 'nat ISTIO_OUTPUT#9', 'nat ISTIO_REDIRECT#1']);
    for (const s of t.steps) assert.deepEqual(Object.keys(s).filter((k) => ['table', 'chain', 'index', 'rule', 'matched', 'action'].includes(k)).length, 6);
    assert.equal(t.mark, 0);
    assert.equal(t.connmark, 0);
    assert.equal(t.zone, null);
  });

  it('takes -o as the outbound port exclusion too, as mizzen iptables does', async () => {
    const t = await traceJson([...injectorArgs, '-o', '15020,25', ...appToService.slice(0, -4), '--dport', '25', '--uid', '1000']);
    assert.equal(t.verdict.kind, 'accept');
    assert.deepEqual(matched(t), ['nat OUTPUT#1', 'nat ISTIO_OUTPUT#3']);
  });

  it('reads the rules from a namespace, with the same verdict and matched rules', async () => {
    const fromFlags = await traceJson([...injectorArgs, ...appToService]);
    const t = await traceJson(['--from-namespace', ns?.name ?? '', ...appToService]);
    assert.equal(t.source, 'namespace');
    assert.deepEqual(t.verdict, fromFlags.verdict);
    assert.deepEqual(visited(t), visited(fromFlags));
    assert.match(t.steps.find((s) => s.chain === 'ISTIO_OUTPUT' && s.index === 3)?.rule ?? '', /-m tcp|-o lo/);
  });

  it('reads the rules from an iptables-save file', async () => {
    const file = join(dir, 'rules.txt');
    writeFileSync(file, ns?.iptablesSave() ?? '');
    const inbound = ['--direction', 'inbound', '--src', '10.0.0.9', '--dst', '10.0.0.5', '--dport', '15090'];
    const t = await traceJson(['--from-file', file, ...inbound]);
    assert.equal(t.source, 'file');
    assert.equal(t.verdict.kind, 'accept');
    assert.equal(t.verdict.summary, 'RETURN then ACCEPT (policy of nat PREROUTING); destination unchanged 10.0.0.5:15090');
    assert.deepEqual(matched(t), ['nat PREROUTING#1', 'nat ISTIO_INBOUND#2']);
  });

  it('takes the config from --config-file', async () => {
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ ProxyUID: '1337', InboundPortsInclude: '*', OutboundIPRangesInclude: '*' }));
    const t = await traceJson(['--config-file', file, '--direction', 'inbound', '--src', '10.0.0.9', '--dst', '10.0.0.5', '--dport', '8080']);
    assert.equal(t.verdict.kind, 'redirect');
    assert.equal(t.verdict.port, 15006);
  });

  const failures: [string, string[], RegExp][] = [
    ['a bad direction', ['--direction', 'sideways', '--src', '10.0.0.5', '--dst', '10.0.0.6', '--dport', '80'], /--direction.*sideways/],
    ['a missing destination', ['--direction', 'outbound', '--src', '10.0.0.5', '--dport', '80'], /--dst/],
    ['a bad port', [...appToService.slice(0, 6), '--dport', 'http'], /--dport.*http/],
    ['a uid on an inbound packet', ['--direction', 'inbound', '--src', '10.0.0.9', '--dst', '10.0.0.5', '--dport', '80', '--uid', '7'], /--uid.*7/],
    ['a bad state', [...appToService, '--state', 'SYN_SENT'], /--state.*SYN_SENT/],
    ['a bad output format', [...appToService, '-o', 'yaml'], /-o\/--output.*yaml/],
  ];
  for (const [what, args, message] of failures) {
    it(`exits non-zero naming the flag for ${what}`, async () => {
      const r = await runCli(['iptables', 'trace', ...injectorArgs, ...args]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    });
  }

  it('exits non-zero when the namespace cannot be read', async () => {
    const r = await runCli(['iptables', 'trace', '--from-namespace', 'mzt-no-such-namespace', ...appToService]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /mzt-no-such-namespace/);
  });
});
