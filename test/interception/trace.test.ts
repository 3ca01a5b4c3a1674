/**
 * The tracer against the rules generated from the injector's default flags: the six kinds of
 * traffic a sidecar sees, the proxy's inbound leg, and TPROXY mode (NEW and ESTABLISHED).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { RawFlags } from '../../src/interception/bind.ts';
import { RecordingDependencies } from '../../src/interception/deps/recording.ts';
import type { Ruleset } from '../../src/interception/ruleset.ts';
import { formatTrace } from '../../src/interception/trace/format.ts';
import { makePacket, type PacketSpec } from '../../src/interception/trace/packet.ts';
import { rulesFromFlags } from '../../src/interception/trace/source.ts';
import { tracePacket } from '../../src/interception/trace/tracer.ts';
import type { Trace } from '../../src/interception/trace/types.ts';

/** `-p 15001 -z 15006 -u 1337 -m REDIRECT -i '*' -x "" -b '*' -d 15090,15021,15020` */
const injector: RawFlags = {
  'envoy-port': '15001', 'inbound-capture-port': '15006', 'proxy-uid': '1337', 'istio-inbound-interception-mode': 'REDIRECT',
  'istio-service-cidr': '*', 'istio-service-exclude-cidr': '', 'istio-inbound-ports': '*', 'istio-local-exclude-ports': '15090,15021,15020',
};
const tproxyFlags: RawFlags = { ...injector, 'istio-inbound-interception-mode': 'TPROXY' };

const POD = '10.0.0.5';
const PEER = '10.0.0.9';

async function generated(flags: RawFlags, family: 4 | 6 = 4): Promise<Ruleset> {
  return (await rulesFromFlags(flags, {}, family, new RecordingDependencies())).ruleset;
}

/** The rules that matched, as `table CHAIN#index`. */
function matched(t: Trace): string[] {
  return t.steps.filter((s) => s.matched).map((s) => `${s.table} ${s.chain}#${s.index}`);
}

const inbound = (dport: number, extra: PacketSpec = {}): PacketSpec => ({ direction: 'inbound', src: PEER, dst: POD, dport, ...extra });
const outbound = (uid: number, dst: string, dport: number, extra: PacketSpec = {}): PacketSpec =>
  ({ direction: 'outbound', src: POD, dst, dport, uid, localAddresses: [POD], ...extra });

describe('tracer: REDIRECT mode (injector defaults)', () => {
  let rs: Ruleset;
  before(async () => {
    rs = await generated(injector);
  });
  const trace = (spec: PacketSpec): Trace => tracePacket(rs, makePacket(spec));

  it('(1) inbound TCP to the app port is redirected to 15006', () => {
    const t = trace(inbound(8080));
    assert.equal(t.verdict.kind, 'redirect');
    assert.equal(t.verdict.port, 15006);
    assert.deepEqual(t.verdict.path, ['PREROUTING', 'ISTIO_INBOUND', 'ISTIO_IN_REDIRECT']);
    assert.deepEqual(t.verdict.destination, { address: POD, port: 15006 });
    assert.deepEqual(matched(t), ['nat PREROUTING#1', 'nat ISTIO_INBOUND#5', 'nat ISTIO_IN_REDIRECT#1']);
    assert.match(t.verdict.summary, /^REDIRECT to 15006 \(nat PREROUTING -> ISTIO_INBOUND -> ISTIO_IN_REDIRECT\); redirected to port 15006/);
    // Every rule before the deciding one was visited, in order, with its index.
    assert.deepEqual(t.steps.map((s) => [s.chain, s.index, s.matched]), [
      ['PREROUTING', 1, true], ['ISTIO_INBOUND', 1, false], ['ISTIO_INBOUND', 2, false], ['ISTIO_INBOUND', 3, false],
      ['ISTIO_INBOUND', 4, false], ['ISTIO_INBOUND', 5, true], ['ISTIO_IN_REDIRECT', 1, true],
    ]);
  });

  it('(2) app outbound to a service is redirected to 15001 on 127.0.0.1', () => {
    const t = trace(outbound(1000, '10.96.0.10', 80));
    assert.equal(t.verdict.kind, 'redirect');
    assert.equal(t.verdict.port, 15001);
    assert.equal(t.verdict.table, 'nat');
    assert.equal(t.verdict.chain, 'ISTIO_REDIRECT');
    assert.deepEqual(t.verdict.destination, { address: '127.0.0.1', port: 15001 });
    assert.equal(t.verdict.summary, 'REDIRECT to 15001 (nat OUTPUT -> ISTIO_OUTPUT -> ISTIO_REDIRECT); new destination 127.0.0.1:15001');
    assert.deepEqual(matched(t), ['nat OUTPUT#1', 'nat ISTIO_OUTPUT#9', 'nat ISTIO_REDIRECT#1']);
    assert.equal(t.steps.filter((s) => s.chain === 'ISTIO_OUTPUT').length, 9);
  });

  for (const [port, index] of [[15090, 2], [15021, 3], [15020, 4]] as const) {
    it(`(3) inbound scrape/health traffic to ${port} is not captured`, () => {
      const t = trace(inbound(port));
      assert.equal(t.verdict.kind, 'accept');
      assert.deepEqual(matched(t), ['nat PREROUTING#1', `nat ISTIO_INBOUND#${index}`]);
      assert.equal(t.verdict.summary, `RETURN then ACCEPT (policy of nat PREROUTING); destination unchanged ${POD}:${port}`);
      assert.deepEqual(t.verdict.destination, { address: POD, port });
    });
  }

  it('(4) pod-local app to app over lo is not captured (127.0.0.1 and the pod IP)', () => {
    for (const dst of ['127.0.0.1', POD]) {
      const t = trace(outbound(1000, dst, 8080, { src: dst }));
      assert.equal(t.packet.outInterface, 'lo');
      assert.equal(t.verdict.kind, 'accept', dst);
      assert.deepEqual(matched(t), ['nat OUTPUT#1', 'nat ISTIO_OUTPUT#3'], dst);
      assert.match(t.verdict.summary, /^RETURN then ACCEPT \(policy of nat OUTPUT\); destination unchanged/);
    }
  });

  it('(5) the proxy\'s own outbound traffic (uid 1337) is not captured', () => {
    const t = trace(outbound(1337, '10.96.0.10', 80));
    assert.equal(t.verdict.kind, 'accept');
    assert.deepEqual(matched(t), ['nat OUTPUT#1', 'nat ISTIO_OUTPUT#4']);
    assert.equal(t.verdict.chain, 'ISTIO_OUTPUT');
    assert.equal(t.verdict.index, 4);
    assert.deepEqual(t.verdict.destination, { address: '10.96.0.10', port: 80 });
  });

  it('(6) the agent (uid 1337) to the control plane is not captured', () => {
    const t = trace(outbound(1337, '10.96.0.20', 15012));
    assert.equal(t.verdict.kind, 'accept');
    assert.deepEqual(matched(t), ['nat OUTPUT#1', 'nat ISTIO_OUTPUT#4']);
  });

  it("the proxy's inbound leg from 127.0.0.6 to the pod IP returns at the first ISTIO_OUTPUT rule", () => {
    const t = trace(outbound(1337, POD, 8080, { src: '127.0.0.6' }));
    assert.equal(t.verdict.kind, 'accept');
    assert.deepEqual(matched(t), ['nat OUTPUT#1', 'nat ISTIO_OUTPUT#1']);
  });

  it('the proxy calling its own pod IP goes back in through the inbound listener', () => {
    const t = trace(outbound(1337, POD, 8080));
    assert.equal(t.verdict.kind, 'redirect');
    assert.deepEqual(t.verdict.path, ['OUTPUT', 'ISTIO_OUTPUT', 'ISTIO_IN_REDIRECT']);
    assert.deepEqual(t.verdict.destination, { address: '127.0.0.1', port: 15006 });
  });

  it('UDP is never redirected by the REDIRECT chains', () => {
    const t = trace(outbound(1000, '10.96.0.10', 53, { protocol: 'udp' }));
    assert.equal(t.verdict.kind, 'accept');
    assert.deepEqual(matched(t), ['nat OUTPUT#1', 'nat ISTIO_OUTPUT#9']);
  });

  it('an ESTABLISHED packet skips the nat chains, and says so', () => {
    const t = trace(outbound(1000, '10.96.0.10', 80, { state: 'ESTABLISHED' }));
    assert.equal(t.verdict.kind, 'accept');
    assert.equal(t.steps.length, 0);
    assert.ok(t.hooks.filter((h) => h.table === 'nat').every((h) => h.skipped?.includes('first packet of a connection')));
    assert.match(t.verdict.summary, /nat not traversed \(state ESTABLISHED\)/);
  });

  it('a packet arriving over lo skips the nat chains (its connection was NATed on the way out)', () => {
    const t = trace(inbound(8080, { src: '127.0.0.6', inInterface: 'lo' }));
    assert.equal(t.verdict.kind, 'accept');
    assert.equal(t.steps.length, 0);
    assert.match(t.hooks.find((h) => h.table === 'nat' && h.chain === 'PREROUTING')?.skipped ?? '', /over lo/);
  });

  it('IPv6: the app outbound is redirected to [::1]:15001', async () => {
    const rs6 = await generated(injector, 6);
    const t = tracePacket(rs6, makePacket({ direction: 'outbound', src: 'fd00::5', dst: 'fd00:96::10', dport: 80, uid: 1000 }));
    assert.equal(t.verdict.kind, 'redirect');
    assert.deepEqual(t.verdict.destination, { address: '::1', port: 15001 });
    assert.match(t.verdict.summary, /new destination \[::1\]:15001$/);
  });

  it('formats every visited rule and the verdict', () => {
    const text = formatTrace(trace(outbound(1000, '10.96.0.10', 80)));
    assert.match(text, /^packet: outbound tcp 10\.0\.0\.5:40000 -> 10\.96\.0\.10:80/);
    assert.match(text, /nat OUTPUT:\n\s+1 MATCH\s+-A OUTPUT -j ISTIO_OUTPUT {2}=> jump ISTIO_OUTPUT\n/);
    assert.match(text, /9 MATCH\s+-A ISTIO_OUTPUT -j ISTIO_REDIRECT/);
    assert.match(text, /4 no match\s+-A ISTIO_OUTPUT -m owner --uid-owner 1337 -j RETURN\n/);
    assert.match(text, /\nverdict: REDIRECT to 15001 \(nat OUTPUT -> ISTIO_OUTPUT -> ISTIO_REDIRECT\); new destination 127\.0\.0\.1:15001\n/);
  });
});

describe('tracer: TPROXY mode', () => {
  let rs: Ruleset;
  before(async () => {
    rs = await generated(tproxyFlags);
  });
  const trace = (spec: PacketSpec): Trace => tracePacket(rs, makePacket(spec));

  it('inbound NEW: TPROXY to 15006 with the mark, destination unchanged', () => {
    const t = trace(inbound(8080));
    assert.equal(t.verdict.kind, 'tproxy');
    assert.equal(t.verdict.port, 15006);
    assert.equal(t.verdict.mark, 1337);
    assert.equal(t.verdict.table, 'mangle');
    assert.deepEqual(t.verdict.path, ['PREROUTING', 'ISTIO_INBOUND', 'ISTIO_TPROXY']);
    assert.deepEqual(t.verdict.destination, { address: POD, port: 8080 });
    assert.match(t.verdict.summary, /^TPROXY to port 15006 with mark 0x539 /);
    assert.equal(t.mark, 0x539);
    assert.deepEqual(matched(t), ['mangle PREROUTING#1', 'mangle ISTIO_INBOUND#8', 'mangle ISTIO_TPROXY#1']);
  });

  it('inbound ESTABLISHED: ISTIO_DIVERT marks and accepts', () => {
    const t = trace(inbound(8080, { state: 'ESTABLISHED' }));
    assert.equal(t.verdict.kind, 'accept');
    assert.equal(t.mark, 1337);
    assert.deepEqual(matched(t), ['mangle PREROUTING#1', 'mangle ISTIO_INBOUND#7', 'mangle ISTIO_DIVERT#1', 'mangle ISTIO_DIVERT#2']);
    assert.deepEqual(t.verdict.path, ['PREROUTING', 'ISTIO_INBOUND', 'ISTIO_DIVERT']);
    assert.match(t.verdict.summary, /^ACCEPT \(mangle PREROUTING -> ISTIO_INBOUND -> ISTIO_DIVERT\) with mark 0x539; destination unchanged/);
    // ACCEPT ends the mangle traversal: the CONNMARK rule after the jump is not visited.
    assert.ok(!t.steps.some((s) => s.chain === 'PREROUTING' && s.index === 2));
  });

  it('inbound scrape to 15090 returns in mangle', () => {
    const t = trace(inbound(15090));
    assert.equal(t.verdict.kind, 'accept');
    assert.deepEqual(matched(t), ['mangle PREROUTING#1', 'mangle ISTIO_INBOUND#4']);
    assert.match(t.verdict.summary, /^RETURN then ACCEPT \(policy of mangle PREROUTING\)/);
  });

  it('the proxy to its own pod IP over lo gets mark 1338 in mangle OUTPUT', () => {
    const t = trace(outbound(1337, POD, 8080));
    assert.equal(t.mark, 1338);
    assert.ok(matched(t).includes('mangle OUTPUT#2'));
    assert.equal(t.verdict.kind, 'redirect');
  });

  it('app outbound is still redirected to 15001', () => {
    const t = trace(outbound(1000, '10.96.0.10', 80));
    assert.equal(t.verdict.kind, 'redirect');
    assert.equal(t.verdict.port, 15001);
  });
});
