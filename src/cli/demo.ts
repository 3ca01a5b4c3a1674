/**
 * `mizzen demo`: makes a network namespace that stands for a pod, applies the sidecar
 * injector's capture rules in it (the same run as `mizzen iptables`), shows them as
 * iptables-save prints them, traces the six kinds of pod traffic through the live rules, and
 * removes the namespace again (unless --keep).
 */
import type { Command } from 'commander';
import { MizzenError, ErrorCodes } from '../core/errors.ts';
import { createLogger, silentLogger } from '../core/log.ts';
import { freezeConfig, defaultConfig } from '../interception/config.ts';
import { execute, RealDependencies } from '../interception/deps/real.ts';
import { runCapture } from '../interception/run.ts';
import { detectTools } from '../interception/tools.ts';
import { makePacket, type PacketSpec } from '../interception/trace/packet.ts';
import { rulesFromNamespace } from '../interception/trace/source.ts';
import { tracePacket } from '../interception/trace/tracer.ts';

const POD_IP = '10.250.0.2';

const flows: [string, PacketSpec][] = [
  ['1 inbound to the app (:8080)', { direction: 'inbound', src: '10.250.0.3', dst: POD_IP, dport: 8080 }],
  ['  ...then the sidecar to the app, from 127.0.0.6', { direction: 'outbound', src: '127.0.0.6', dst: POD_IP, dport: 8080, uid: 1337, gid: 1337, localAddresses: [POD_IP] }],
  ['2 app outbound to a service (uid 1000)', { direction: 'outbound', src: POD_IP, dst: '10.96.0.10', dport: 80, uid: 1000, gid: 1000 }],
  ['3 Prometheus scraping :15090', { direction: 'inbound', src: '10.250.0.9', dst: POD_IP, dport: 15090 }],
  ['3 Prometheus scraping the agent :15020', { direction: 'inbound', src: '10.250.0.9', dst: POD_IP, dport: 15020 }],
  ['4 pod-local app to app over lo', { direction: 'outbound', src: '127.0.0.1', dst: '127.0.0.1', dport: 9000, uid: 1000, gid: 1000 }],
  ["5 the proxy's own traffic (uid 1337)", { direction: 'outbound', src: POD_IP, dst: '10.96.0.10', dport: 80, uid: 1337, gid: 1337 }],
  ['6 agent to the control plane (:15012)', { direction: 'outbound', src: POD_IP, dst: '10.96.0.20', dport: 15012, uid: 1337, gid: 1337 }],
];

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description("apply the injector's capture rules in a demo namespace, show them, and trace the six kinds of pod traffic")
    .option('--namespace <name>', 'network namespace to use', 'mizzen-demo')
    .option('--keep', 'leave the namespace in place afterwards')
    .action(async (opts: { namespace: string; keep?: boolean }) => {
      await demo(opts.namespace, opts.keep === true);
    });
}

async function sh(argv: string[]): Promise<string> {
  const r = await execute(argv);
  if (r.code !== 0) throw new MizzenError(ErrorCodes.CommandFailed, `${argv.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

async function demo(ns: string, keep: boolean): Promise<void> {
  const out = (s: string): boolean => process.stdout.write(`${s}\n`);
  await execute(['ip', 'netns', 'del', ns]);
  await sh(['ip', 'netns', 'add', ns]);
  try {
    await sh(['ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
    out(`== network namespace ${ns} stands for a pod with IP ${POD_IP}`);
    out("== istio-init: mizzen iptables -p 15001 -z 15006 -u 1337 -m REDIRECT -i '*' -x \"\" -b '*' -d 15090,15021,15020\n");
    const cfg = freezeConfig({
      ...defaultConfig(), ProxyUID: '1337', ProxyGID: '1337', InboundInterceptionMode: 'REDIRECT',
      OutboundIPRangesInclude: '*', InboundPortsInclude: '*', InboundPortsExclude: '15090,15021,15020', NetworkNamespace: ns,
    });
    const deps = new RealDependencies(ns);
    await runCapture({ cfg, deps, tools: await detectTools(deps, ''), log: process.env['MIZZEN_DEMO_VERBOSE'] ? createLogger() : silentLogger, env: process.env, routes: true });
    out(`== iptables-save -t nat (in ${ns})`);
    out((await sh(['ip', 'netns', 'exec', ns, 'iptables-save', '-t', 'nat'])).split('\n').filter((l) => !l.startsWith('#')).join('\n'));
    out(`== the six traffic types, traced through the live rules (mizzen iptables trace --from-namespace ${ns})`);
    const { ruleset } = await rulesFromNamespace(ns, 4);
    for (const [title, spec] of flows) {
      const t = tracePacket(ruleset, makePacket(spec));
      out(`${title.padEnd(50)} ${t.verdict.summary}`);
    }
    out(`\nTry: npx mizzen iptables trace --from-namespace ${ns} --direction outbound --dst 10.96.0.10 --dport 80 --uid 1000${keep ? '' : ' (after: npx mizzen demo --keep)'}`);
  } finally {
    if (keep) out(`== kept namespace ${ns} (remove it with: ip netns del ${ns})`);
    else {
      await execute(['ip', 'netns', 'del', ns]);
      out(`== removed namespace ${ns}`);
    }
  }
}
