/**
 * Generated rules and the same rules read back from the kernel must trace alike. Each config is
 * applied with iptables-restore in a namespace of its own, read with iptables-save (whose
 * spelling differs: `-m tcp`, hex marks, `--set-xmark`, reordered options), parsed and traced;
 * every packet must get the same verdict and visit and match the same rules as on the generated
 * ruleset. Runs for the nft and (when installed) legacy iptables, and for IPv6.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bindConfig, type RawFlags } from '../../src/interception/bind.ts';
import { buildCapturePlan } from '../../src/interception/capture.ts';
import { freezeConfig } from '../../src/interception/config.ts';
import { RecordingDependencies } from '../../src/interception/deps/recording.ts';
import { fillFromEnvironment } from '../../src/interception/detect.ts';
import { renderRestore } from '../../src/interception/restore.ts';
import { parseSave, type Ruleset } from '../../src/interception/ruleset.ts';
import { makePacket, type PacketSpec } from '../../src/interception/trace/packet.ts';
import { rulesFromFlags } from '../../src/interception/trace/source.ts';
import { tracePacket } from '../../src/interception/trace/tracer.ts';
import type { Trace } from '../../src/interception/trace/types.ts';
import { Netns, sh } from '../helpers/netns.ts';

const injector: RawFlags = {
  'envoy-port': '15001', 'inbound-capture-port': '15006', 'proxy-uid': '1337', 'istio-inbound-interception-mode': 'REDIRECT',
  'istio-service-cidr': '*', 'istio-service-exclude-cidr': '', 'istio-inbound-ports': '*', 'istio-local-exclude-ports': '15090,15021,15020',
};
const configs: Record<string, RawFlags> = {
  redirect: injector,
  tproxy: { ...injector, 'istio-inbound-interception-mode': 'TPROXY' },
  'dns-capture-all': { ...injector, 'redirect-dns': 'true', 'capture-all-dns': 'true', 'istio-local-outbound-ports-exclude': '25' },
};

function packets(pod: string, peer: string, svc: string, lo: string, six: string): PacketSpec[] {
  const out = (uid: number, dst: string, dport: number, extra: PacketSpec = {}): PacketSpec =>
    ({ direction: 'outbound', src: pod, dst, dport, uid, gid: uid, localAddresses: [pod], ...extra });
  const inb = (dport: number, extra: PacketSpec = {}): PacketSpec => ({ direction: 'inbound', src: peer, dst: pod, dport, ...extra });
  return [
    inb(8080), inb(15090), inb(15020), inb(15021), inb(15008), inb(8080, { state: 'ESTABLISHED' }),
    inb(8080, { inInterface: 'lo', src: six }), inb(8080, { inInterface: 'lo', src: pod, mark: 1338 }),
    out(1000, svc, 80), out(1000, lo, 8080, { src: lo }), out(1000, pod, 8080), out(1337, svc, 80), out(1337, svc.replace(/0$/, '20'), 15012),
    out(1337, pod, 8080, { src: six }), out(1337, pod, 8080), out(1000, svc, 25), out(1000, svc, 53, { protocol: 'udp' }),
    out(1337, svc, 53, { protocol: 'udp' }), out(1000, svc, 80, { state: 'ESTABLISHED', connmark: 1337 }),
  ];
}
const v4 = packets('10.0.0.5', '10.0.0.9', '10.96.0.10', '127.0.0.1', '127.0.0.6');
const v6 = packets('fd00::5', 'fd00::9', 'fd00:96::10', '::1', '::6');

/** What must agree between the two rulesets (the rule text differs by design). */
function shape(t: Trace): unknown {
  const { summary, kind, port, mark, table, chain, index, path, destination } = t.verdict;
  return {
    verdict: { summary, kind, port, mark, table, chain, index, path, destination },
    steps: t.steps.map((s) => `${s.table} ${s.hook} ${s.chain}#${s.index} ${s.matched ? 'MATCH' : '-'}`),
    mark: t.mark, connmark: t.connmark, zone: t.zone,
  };
}

async function planRules(flags: RawFlags, family: 4 | 6): Promise<string> {
  const bound = bindConfig({ env: {}, flags });
  await fillFromEnvironment(bound.config, bound.explicit, {}, new RecordingDependencies());
  bound.config.EnableIPv6 = family === 6;
  const plan = buildCapturePlan(freezeConfig(bound.config));
  return renderRestore(family === 4 ? plan.rules.ipv4 : plan.rules.ipv6);
}

const hasLegacy = sh(['iptables-legacy-restore', '--version']).code === 0;
const variants = [{ name: 'nft', suffix: '' }, ...(hasLegacy ? [{ name: 'legacy', suffix: '-legacy' }] : [])];

for (const variant of variants) {
  for (const [configName, flags] of Object.entries(configs)) {
    for (const family of [4, 6] as const) {
      describe(`tracer: live ${variant.name} rules equal generated rules (${configName}, IPv${family})`, () => {
        const bin = family === 4 ? 'iptables' : 'ip6tables';
        let ns: Netns | undefined;
        let live: Ruleset;
        let generated: Ruleset;
        before(async () => {
          generated = (await rulesFromFlags(flags, {}, family, new RecordingDependencies())).ruleset;
          ns = new Netns(`tr${variant.name.slice(0, 3)}`);
          ns.exec([`${bin}${variant.suffix}-restore`, '--noflush'], await planRules(flags, family));
          live = parseSave(ns.exec([`${bin}${variant.suffix}-save`]));
        });
        after(() => ns?.destroy());

        it('the live ruleset holds the same rules per chain', () => {
          for (const [table, chains] of generated) {
            for (const [name, c] of chains) assert.equal(live.get(table)?.get(name)?.rules.length, c.rules.length, `${table} ${name}`);
          }
        });
        for (const spec of family === 4 ? v4 : v6) {
          const label = `${spec.direction} ${spec.protocol ?? 'tcp'} ${spec.src} -> ${spec.dst}:${spec.dport} uid ${spec.uid ?? '-'} ${spec.state ?? 'NEW'}${spec.inInterface ? ` via ${spec.inInterface}` : ''}`;
          it(label, () => {
            const packet = makePacket(spec);
            const fromLive = tracePacket(live, packet);
            assert.deepEqual(fromLive.steps.filter((s) => s.unknown !== undefined), [], 'every live rule is understood');
            assert.deepEqual(shape(fromLive), shape(tracePacket(generated, packet)));
          });
        }
      });
    }
  }
}
