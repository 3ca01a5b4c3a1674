/**
 * The tracer's matches and targets one by one, on small hand-written rulesets in iptables-save's
 * own spelling (`-m tcp`, `--set-xmark`, hex marks, ...), plus packet validation.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCodes, MizzenError } from '../../src/core/errors.ts';
import { RecordingDependencies } from '../../src/interception/deps/recording.ts';
import { parseSave } from '../../src/interception/ruleset.ts';
import { makePacket, type PacketSpec } from '../../src/interception/trace/packet.ts';
import { rulesFromFlags } from '../../src/interception/trace/source.ts';
import { tracePacket } from '../../src/interception/trace/tracer.ts';
import type { Trace } from '../../src/interception/trace/types.ts';

/** One table's save text: `chains` maps chain name to its rules (without `-A CHAIN`). */
function save(table: string, chains: Record<string, string[]>, policies: Record<string, string> = {}): string {
  const lines = [`*${table}`];
  for (const name of Object.keys(chains)) lines.push(`:${name} ${policies[name] ?? (/^[A-Z]+$/.test(name) && !name.startsWith('X') ? 'ACCEPT' : '-')} [0:0]`);
  for (const [name, rules] of Object.entries(chains)) for (const r of rules) lines.push(`-A ${name} ${r}`);
  return `${lines.join('\n')}\nCOMMIT\n`;
}

const out = (extra: PacketSpec = {}): PacketSpec => ({ direction: 'outbound', src: '10.0.0.5', dst: '10.96.0.10', dport: 80, uid: 1000, ...extra });
const inb = (extra: PacketSpec = {}): PacketSpec => ({ direction: 'inbound', src: '10.0.0.9', dst: '10.0.0.5', dport: 8080, ...extra });

function run(text: string, spec: PacketSpec): Trace {
  return tracePacket(parseSave(text), makePacket(spec));
}
const matchedIn = (t: Trace, chain: string): number[] => t.steps.filter((s) => s.chain === chain && s.matched).map((s) => s.index);

describe('tracer: matches in iptables-save spelling', () => {
  it('tcp/udp ports with -m tcp, ranges and negation', () => {
    const text = save('nat', { OUTPUT: ['-p tcp -m tcp --dport 100:200 -j RETURN', '-p udp -m udp --dport 80 -j RETURN', '-p tcp -m tcp ! --sport 40000 -j RETURN', '-p tcp -m tcp --dport 80 -j REDIRECT --to-ports 15001'] });
    const t = run(text, out());
    assert.deepEqual(matchedIn(t, 'OUTPUT'), [4]);
    assert.equal(t.verdict.kind, 'redirect');
    assert.deepEqual(matchedIn(run(text, out({ dport: 150 })), 'OUTPUT'), [1]);
    assert.deepEqual(matchedIn(run(text, out({ sport: 40001 })), 'OUTPUT'), [3]);
  });

  it('multiport lists and ranges, with negation', () => {
    const text = save('nat', { OUTPUT: ['-p tcp -m multiport ! --dports 53,15008 -j MARK --set-xmark 0x1/0xffffffff', '-p tcp -m multiport --dports 1,9000:9100 -j RETURN'] });
    assert.deepEqual(matchedIn(run(text, out({ dport: 53 })), 'OUTPUT'), []);
    assert.deepEqual(matchedIn(run(text, out({ dport: 9050 })), 'OUTPUT'), [1, 2]);
    assert.equal(run(text, out({ dport: 9050 })).mark, 1);
  });

  it('owner: numbers, names, ranges, and several negated gid matches that must all hold', () => {
    const text = save('nat', {
      OUTPUT: ['-m owner ! --gid-owner 1001 -m owner ! --gid-owner 1002 -j RETURN', '-m owner --uid-owner root -j RETURN', '-m owner --uid-owner 1000-2000 -j RETURN'],
    });
    assert.deepEqual(matchedIn(run(text, out({ gid: 7 })), 'OUTPUT'), [1]);
    assert.deepEqual(matchedIn(run(text, out({ gid: 1002 })), 'OUTPUT'), [3]);
    assert.deepEqual(matchedIn(run(text, out({ gid: 1001, uid: 0 })), 'OUTPUT'), [2]);
  });

  it('owner matches on a packet without a local socket hold only when negated', () => {
    const text = save('mangle', { PREROUTING: ['-m owner --uid-owner 0 -j MARK --set-mark 1', '-m owner ! --uid-owner 0 -j MARK --or-mark 2'] });
    assert.equal(run(text, inb()).mark, 2);
  });

  it('interfaces, with the + wildcard and negation', () => {
    const text = save('nat', { PREROUTING: ['-i lo -j RETURN', '! -i eth+ -j RETURN', '-i eth+ -s 10.0.0.0/8 -d 10.0.0.5/32 -j REDIRECT --to-ports 15006'] });
    assert.deepEqual(matchedIn(run(text, inb()), 'PREROUTING'), [3]);
    assert.deepEqual(matchedIn(run(text, inb({ inInterface: 'net1' })), 'PREROUTING'), [2]);
  });

  it('conntrack and state', () => {
    const text = save('filter', { INPUT: ['-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-m state --state NEW -j ACCEPT', '-m conntrack ! --ctstate INVALID -j ACCEPT', '-j DROP'] });
    assert.deepEqual(matchedIn(run(text, inb({ state: 'ESTABLISHED' })), 'INPUT'), [1]);
    assert.deepEqual(matchedIn(run(text, inb()), 'INPUT'), [2]);
    const invalid = run(text, inb({ state: 'INVALID' }));
    assert.equal(invalid.verdict.kind, 'drop');
    assert.equal(invalid.verdict.summary, 'DROP (filter INPUT)');
    assert.equal(invalid.hooks.at(-1)?.outcome, 'not reached');
  });

  it('mark and connmark with masks; MARK, CONNMARK save and restore', () => {
    const text = save('mangle', {
      OUTPUT: [
        '-m mark --mark 0x10/0xf0 -j MARK --set-xmark 0x539/0xffffffff',
        '-p tcp -m mark --mark 0x539 -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff',
        '-m connmark --mark 0x539 -j MARK --and-mark 0x0',
        '-p tcp -m connmark --mark 0x539 -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff',
      ],
    });
    const t = run(text, out({ mark: '0x1f' }));
    assert.deepEqual(matchedIn(t, 'OUTPUT'), [1, 2, 3, 4]);
    assert.equal(t.mark, 0x539);
    assert.equal(t.connmark, 0x539);
    assert.deepEqual(matchedIn(run(text, out({ mark: '0x20' })), 'OUTPUT'), []);
  });

  it('addrtype LOCAL for loopback and the pod\'s own addresses', () => {
    const text = save('nat', { OUTPUT: ['-m addrtype --dst-type LOCAL -j RETURN', '-m addrtype ! --dst-type LOCAL -j REDIRECT --to-ports 15001'] });
    assert.deepEqual(matchedIn(run(text, out({ dst: '127.0.0.1' })), 'OUTPUT'), [1]);
    assert.deepEqual(matchedIn(run(text, out({ dst: '10.0.0.5', localAddresses: ['10.0.0.5'] })), 'OUTPUT'), [1]);
    assert.deepEqual(matchedIn(run(text, out()), 'OUTPUT'), [2]);
  });

  it('comments are ignored; quoted arguments are kept in the rule text', () => {
    const t = run(save('nat', { OUTPUT: ['-m comment --comment "two words" -j RETURN'] }), out());
    assert.deepEqual(matchedIn(t, 'OUTPUT'), [1]);
    assert.equal(t.steps[0]?.rule, '-A OUTPUT -m comment --comment "two words" -j RETURN');
  });
});

describe('tracer: unknown rules, targets and chain flow', () => {
  it('an unknown match or option is reported and assumed not to match; the walk goes on', () => {
    const text = save('nat', {
      OUTPUT: ['-m recent --rcheck --seconds 60 -j DROP', '-m conntrack --ctdir ORIGINAL -j DROP', '-p tcp -m tcp --syn -j DROP', '-p udp -m foo -j DROP', '-j REDIRECT --to-ports 15001'],
    });
    const t = run(text, out());
    assert.equal(t.verdict.kind, 'redirect');
    assert.deepEqual(t.steps.map((s) => [s.index, s.matched, s.unknown !== undefined]), [[1, false, true], [2, false, true], [3, false, true], [4, false, false], [5, true, false]]);
    assert.match(t.steps[0]?.unknown ?? '', /unknown match -m recent/);
    assert.match(t.steps[1]?.unknown ?? '', /unknown option --ctdir ORIGINAL/);
  });

  it('RETURN from a user chain, goto, and the policy after it', () => {
    const text = save('filter', { OUTPUT: ['-j XA', '-j ACCEPT'], XA: ['-g XB', '-j DROP'], XB: ['-j RETURN'] });
    const t = run(text, out());
    // goto XB leaves no return point in XA: RETURN in XB goes back to OUTPUT.
    assert.deepEqual(t.steps.map((s) => `${s.chain}#${s.index}:${s.matched}`), ['OUTPUT#1:true', 'XA#1:true', 'XB#1:true', 'OUTPUT#2:true']);
    assert.equal(t.verdict.kind, 'accept');
    assert.deepEqual(t.steps.map((s) => s.depth), [0, 1, 2, 0]);
  });

  it('a DROP policy drops; REJECT drops', () => {
    assert.equal(run(save('filter', { OUTPUT: ['-p udp -j ACCEPT'] }, { OUTPUT: 'DROP' }), out()).verdict.summary, 'DROP (policy of filter OUTPUT)');
    assert.equal(run(save('filter', { OUTPUT: ['-j REJECT --reject-with icmp-port-unreachable'] }), out()).verdict.kind, 'drop');
  });

  it('DNAT rewrites the destination', () => {
    const t = run(save('nat', { OUTPUT: ['-p tcp -j DNAT --to-destination 10.1.1.1:8443'] }), out());
    assert.equal(t.verdict.kind, 'dnat');
    assert.deepEqual(t.verdict.destination, { address: '10.1.1.1', port: 8443 });
  });

  it('a chain loop is an error, not a hang', () => {
    assert.throws(() => run(save('nat', { OUTPUT: ['-j XA'], XA: ['-j XB'], XB: ['-j XA'] }), out()),
      (e: unknown) => e instanceof MizzenError && e.code === ErrorCodes.InvalidRuleset && /loop/.test(e.message));
  });

  it('DNS capture: CT zones in raw, UDP redirect with --to-port to 15053', async () => {
    const flags = { 'proxy-uid': '1337', 'redirect-dns': 'true', 'capture-all-dns': 'true', 'istio-service-cidr': '*' };
    const { ruleset } = await rulesFromFlags(flags, {}, 4, new RecordingDependencies());
    const app = tracePacket(ruleset, makePacket(out({ protocol: 'udp', dport: 53 })));
    assert.equal(app.zone, 2);
    assert.equal(app.verdict.kind, 'redirect');
    assert.deepEqual(app.verdict.destination, { address: '127.0.0.1', port: 15053 });
    const agent = tracePacket(ruleset, makePacket(out({ protocol: 'udp', dport: 53, uid: 1337, gid: 1337 })));
    assert.equal(agent.zone, 1);
    assert.equal(agent.verdict.kind, 'accept');
  });
});

describe('packet validation', () => {
  const bad = (spec: PacketSpec, flag: string, value?: string): void => {
    assert.throws(() => makePacket(spec), (e: unknown) => {
      assert.ok(e instanceof MizzenError);
      assert.equal(e.code, ErrorCodes.InvalidPacket);
      assert.ok(e.message.includes(flag), e.message);
      if (value !== undefined) assert.ok(e.message.includes(value), e.message);
      return true;
    });
  };
  it('names the flag and the value', () => {
    bad({ ...out(), direction: 'sideways' }, '--direction', 'sideways');
    bad({ ...out(), direction: undefined }, '--direction');
    bad({ ...out(), dst: undefined }, '--dst');
    bad({ ...out(), src: '10.0.0.300' }, '--src', '10.0.0.300');
    bad({ ...out(), dst: 'fd00::1' }, '--dst', 'fd00::1');
    bad({ ...out(), dport: 70000 }, '--dport', '70000');
    bad({ ...out(), dport: undefined }, '--dport');
    bad({ ...out(), protocol: 'sctp' }, '--protocol', 'sctp');
    bad({ ...out(), state: 'OLD' }, '--state', 'OLD');
    bad({ ...out(), mark: '0x1ffffffff' }, '--mark');
    bad({ ...inb(), uid: 1000 }, '--uid', '1000');
    bad({ ...out(), inInterface: 'eth0' }, '--in-interface');
    bad({ ...out(), uid: 'no-such-user-here' }, '--uid', 'no-such-user-here');
  });

  it('fills defaults: sport, uid/gid 0, eth0, lo for local destinations, NEW', () => {
    const p = makePacket(out());
    assert.equal(p.sport, 40000);
    assert.equal(p.gid, 0);
    assert.equal(p.outInterface, 'eth0');
    assert.equal(p.state, 'NEW');
    assert.equal(makePacket(out({ dst: '::1', src: '::1' })).outInterface, 'lo');
    assert.equal(makePacket(inb()).inInterface, 'eth0');
  });
});
