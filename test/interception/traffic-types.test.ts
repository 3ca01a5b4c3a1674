/**
 * The six traffic types of the seeds (document 000), sent for real between pod namespaces on a
 * bridge, with the injector's rules applied by `mizzen iptables` and a transparent sidecar
 * running as uid 1337. For each type the kernel's nat packet counters (`iptables -t nat -L -v -x`)
 * must equal what `mizzen iptables trace` predicts for the connections that type makes: every
 * rule the tracer says matched got exactly that many packets, and no other rule got any.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makePacket, type PacketSpec } from '../../src/interception/trace/packet.ts';
import { rulesFromNamespace } from '../../src/interception/trace/source.ts';
import { tracePacket } from '../../src/interception/trace/tracer.ts';
import { runCli } from '../helpers/cli.ts';
import { bridgeTopology, Netns, sh, waitFor } from '../helpers/netns.ts';
import { repoRoot } from '../helpers/paths.ts';

const INJECTOR = ['-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020'];
const APP = { uid: 1000, gid: 1000 };
const PROXY = { uid: 1337, gid: 1337 };

const spaces: Netns[] = [];
let A: Netns; // client pod, with capture and a sidecar
let B: Netns; // server pod, with capture and a sidecar
let C: Netns; // outside the mesh: Prometheus, the control plane, an external server
let aIp = '';
let bIp = '';
let cIp = '';
const sidecarLog = new Map<Netns, string>();

function start(ns: Netns, cmd: string[], ids?: { uid: number; gid: number }): Promise<void> {
  const child = ns.start(cmd, ids ?? {});
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    sidecarLog.set(ns, (sidecarLog.get(ns) ?? '') + d.toString());
  });
  return waitFor(() => /ready|listening/.test(out), 10000, `${cmd.join(' ')} in ${ns.name}`);
}

const fixture = (name: string): string => `${repoRoot}/test/fixtures/${name}`;

before(async () => {
  const node = new Netns('node');
  A = new Netns('a');
  B = new Netns('b');
  C = new Netns('c');
  spaces.push(node, A, B, C);
  [aIp = '', bIp = '', cIp = ''] = bridgeTopology(node, [A, B, C], 60).ips;
  for (const pod of [A, B]) {
    const r = await runCli(['iptables', '--network-namespace', pod.name, ...INJECTOR]);
    assert.equal(r.code, 0, r.stderr);
    await start(pod, [process.execPath, fixture('mini-sidecar.ts')], PROXY);
  }
  await start(B, [process.execPath, fixture('echo-peer.ts'), '8080'], APP);
  await start(A, [process.execPath, fixture('echo-peer.ts'), '9000'], APP);
  await start(C, [process.execPath, fixture('echo-peer.ts'), '80']);
  await start(C, [process.execPath, fixture('echo-peer.ts'), '15012']);
});

after(() => {
  for (const ns of spaces.reverse()) ns.destroy();
});

/** nat packet counters per chain, rule by rule, from `iptables -t nat -L -v -x -n`. */
function natCounters(ns: Netns): Map<string, number[]> {
  const out = new Map<string, number[]>();
  let chain: number[] | undefined;
  for (const line of ns.exec(['iptables', '-t', 'nat', '-L', '-v', '-x', '-n']).split('\n')) {
    const head = /^Chain (\S+)/.exec(line);
    if (head?.[1]) {
      chain = [];
      out.set(head[1], chain);
    } else if (chain && /^\s*\d+\s+\d+\s/.test(line)) {
      chain.push(Number(line.trim().split(/\s+/)[0]));
    }
  }
  return out;
}

/** What the tracer predicts for these connections (their first packets), rule by rule. */
async function predicted(ns: Netns, packets: readonly PacketSpec[]): Promise<Map<string, number[]>> {
  const { ruleset } = await rulesFromNamespace(ns.name, 4);
  const out = new Map<string, number[]>();
  for (const [name, chain] of ruleset.get('nat') ?? []) out.set(name, chain.rules.map(() => 0));
  for (const spec of packets) {
    const trace = tracePacket(ruleset, makePacket(spec));
    for (const s of trace.steps) {
      if (s.table !== 'nat' || !s.matched) continue;
      const counts = out.get(s.chain);
      if (counts) counts[s.index - 1] = (counts[s.index - 1] ?? 0) + 1;
    }
  }
  return out;
}

/** Zero the counters, make the traffic, and compare the kernel with the tracer in each pod. */
async function check(traffic: () => void, expect: [Netns, PacketSpec[]][]): Promise<void> {
  for (const ns of [A, B]) ns.exec(['iptables', '-t', 'nat', '-Z']);
  traffic();
  for (const [ns, packets] of expect) {
    const kernel = natCounters(ns);
    const want = await predicted(ns, packets);
    const total = [...want.values()].flat().reduce((a, b) => a + b, 0);
    if (packets.some((p) => p.inInterface !== 'lo')) assert.ok(total > 0, `the tracer predicts nat matches in ${ns.name}`);
    for (const [chain, counts] of want) {
      const got = kernel.get(chain)?.slice(0, counts.length);
      assert.deepEqual(got, counts, `nat ${chain} in ${ns.name}: kernel counters vs tracer prediction`);
    }
  }
}

function curl(ns: Netns, url: string, ids?: { uid: number; gid: number }): { peer: string; local: string } {
  const as = ids ? ['setpriv', `--reuid=${ids.uid}`, `--regid=${ids.gid}`, '--clear-groups'] : [];
  const r = sh(ns.argv([...as, 'curl', '-sS', '--max-time', '5', url]));
  assert.equal(r.code, 0, `curl ${url} in ${ns.name}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { peer: string; local: string };
}

/** The inbound leg in a pod: the captured connection, then the sidecar's connection to the app. */
const inboundLeg = (from: string, to: string, port: number): PacketSpec[] => [
  { direction: 'inbound', src: from, dst: to, dport: port, inInterface: 'eth0' },
  { direction: 'outbound', src: '127.0.0.6', dst: to, dport: port, ...PROXY, localAddresses: [to] },
  // The sidecar's packet comes back in over lo: nat does not see it again.
  { direction: 'inbound', src: '127.0.0.6', dst: to, dport: port, inInterface: 'lo' },
];

describe('the six traffic types, in the kernel and in the tracer', () => {
  it('1. inbound to the app: PREROUTING -> ISTIO_INBOUND -> ISTIO_IN_REDIRECT (15006); the app sees 127.0.0.6', async () => {
    let seen = { peer: '', local: '' };
    await check(() => (seen = curl(C, `http://${bIp}:8080/`)), [[B, inboundLeg(cIp, bIp, 8080)], [A, []]]);
    assert.equal(seen.peer, '127.0.0.6');
    assert.match(B.exec(['conntrack', '-L', '--dst-nat']), new RegExp(`dst=${bIp} sport=\\d+ dport=8080 .*sport=15006`));
  });

  it('2. app outbound: OUTPUT -> ISTIO_OUTPUT -> ISTIO_REDIRECT (15001); the proxy leg RETURNs by uid 1337', async () => {
    let seen = { peer: '', local: '' };
    await check(() => (seen = curl(A, `http://${bIp}:8080/`, APP)), [
      [A, [
        { direction: 'outbound', src: aIp, dst: bIp, dport: 8080, ...APP },
        { direction: 'outbound', src: aIp, dst: bIp, dport: 8080, ...PROXY },
      ]],
      [B, inboundLeg(aIp, bIp, 8080)],
    ]);
    assert.equal(seen.peer, '127.0.0.6');
    assert.match(A.exec(['conntrack', '-L', '--dst-nat']), new RegExp(`dst=${bIp} sport=\\d+ dport=8080 .*sport=15001`));
    assert.match(sidecarLog.get(A) ?? '', new RegExp(`"listener":15001,.*"to":"${bIp}:8080"`));
  });

  it('3. Prometheus scraping 15090 and 15020: ISTIO_INBOUND RETURNs, the proxy is bypassed', async () => {
    const before = sidecarLog.get(B) ?? '';
    await check(() => {
      for (const port of [15090, 15020]) {
        const r = sh(C.argv(['curl', '-sS', '--max-time', '5', `http://${bIp}:${port}/stats/prometheus`]));
        assert.equal(r.code, 0, r.stderr);
      }
    }, [[B, [15090, 15020].map((dport) => ({ direction: 'inbound', src: cIp, dst: bIp, dport, inInterface: 'eth0' }))]]);
    assert.equal(sidecarLog.get(B), before, 'no connection went through 15006');
    assert.equal(natCounters(B).get('ISTIO_IN_REDIRECT')?.[0], 0);
  });

  it('4. pod-local app to app over lo (127.0.0.1 and the pod IP): RETURN, never redirected', async () => {
    let viaLoopback = { peer: '', local: '' };
    let viaPodIp = { peer: '', local: '' };
    await check(() => {
      viaLoopback = curl(A, 'http://127.0.0.1:9000/', APP);
      viaPodIp = curl(A, `http://${aIp}:9000/`, APP);
    }, [[A, [
      { direction: 'outbound', src: '127.0.0.1', dst: '127.0.0.1', dport: 9000, ...APP },
      { direction: 'inbound', src: '127.0.0.1', dst: '127.0.0.1', dport: 9000, inInterface: 'lo' },
      { direction: 'outbound', src: aIp, dst: aIp, dport: 9000, ...APP, localAddresses: [aIp] },
      { direction: 'inbound', src: aIp, dst: aIp, dport: 9000, inInterface: 'lo' },
    ]]]);
    assert.equal(viaLoopback.peer, '127.0.0.1');
    assert.equal(viaPodIp.peer, aIp);
  });

  it("5. the proxy's own traffic (uid 1337) leaves as it is", async () => {
    let seen = { peer: '', local: '' };
    await check(() => (seen = curl(A, `http://${cIp}:80/`, PROXY)), [
      [A, [{ direction: 'outbound', src: aIp, dst: cIp, dport: 80, ...PROXY }]],
    ]);
    assert.equal(seen.peer, aIp);
  });

  it('6. agent to control plane (uid 1337 to 15012) leaves as it is', async () => {
    let seen = { peer: '', local: '' };
    await check(() => (seen = curl(A, `http://${cIp}:15012/`, PROXY)), [
      [A, [{ direction: 'outbound', src: aIp, dst: cIp, dport: 15012, ...PROXY }]],
    ]);
    assert.equal(seen.local, `${cIp}:15012`);
  });
});
