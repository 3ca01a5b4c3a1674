/**
 * `mizzen iptables trace`: explains one packet's way through the capture rules. The rules are
 * generated from the same flags `mizzen iptables` takes, or read from a namespace or a file;
 * the packet is described by its own flags. Prints text, or JSON with `-o json`.
 *
 * `-o` is also `mizzen iptables`' short flag for outbound ports to exclude; the parent command
 * sees it first, so both meanings are collected here: `text`/`json` select the output format,
 * anything else is the port list.
 */
import { Command, Option } from 'commander';
import { ErrorCodes, MizzenError, invalidFlag } from '../core/errors.ts';
import type { RawFlags } from '../interception/bind.ts';
import { flagDefs } from '../interception/flags.ts';
import { formatTrace, traceToJson } from '../interception/trace/format.ts';
import { makePacket } from '../interception/trace/packet.ts';
import { rulesFromFile, rulesFromFlags, rulesFromNamespace, type LoadedRules } from '../interception/trace/source.ts';
import { tracePacket } from '../interception/trace/tracer.ts';

const PORTS_EXCLUDE = 'istio-local-outbound-ports-exclude';
const FORMATS = ['text', 'json'];

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), ...value.split(',').filter(Boolean)];

export function registerTrace(iptables: Command): void {
  const outputs: string[] = [];
  const record = (v: unknown): void => {
    if (typeof v === 'string') outputs.push(v);
  };
  iptables.on(`option:${PORTS_EXCLUDE}`, record);

  const cmd = iptables
    .command('trace')
    .description("explain one packet's way through the capture rules (generated from the flags, or read from a namespace or file)")
    .option('--direction <dir>', 'inbound (delivered to the pod) or outbound (sent by a local socket)')
    .option('--protocol <proto>', 'tcp or udp (default tcp)')
    .option('--src <addr>', 'source address')
    .option('--dst <addr>', 'destination address')
    .option('--sport <port>', 'source port (default 40000)')
    .option('--dport <port>', 'destination port')
    .option('--uid <id>', 'outbound: uid owning the local socket (default 0)')
    .option('--gid <id>', 'outbound: gid owning the local socket (default 0)')
    .option('--in-interface <if>', 'inbound: interface the packet arrives on (default eth0)')
    .option('--out-interface <if>', 'outbound: interface the packet leaves by (default lo for local destinations, else eth0)')
    .option('--local-address <addr>', "one of the pod's own addresses (repeatable)", collect)
    .option('--state <state>', 'conntrack state: NEW, ESTABLISHED, RELATED or INVALID (default NEW)')
    .option('--mark <n>', 'packet mark before the walk (default 0)')
    .option('--connmark <n>', 'connection mark before the walk (default 0)')
    .option('--from-namespace <name>', 'trace the rules iptables-save shows in this network namespace')
    .option('--from-file <path>', 'trace the rules in this iptables-save text (- for stdin)')
    .addOption(new Option('-o, --output <format>', `output format: text or json (any other value is --${PORTS_EXCLUDE}, as in mizzen iptables)`))
    .option('--config-file <file>', 'JSON object of config fields (as for mizzen iptables)');
  for (const d of flagDefs) {
    const short = d.short && d.short !== 'o' ? `-${d.short}, ` : '';
    cmd.addOption(new Option(`${short}--${d.long} ${d.kind === 'bool' ? '[bool]' : '<value>'}`, d.help));
  }
  cmd.on('option:output', record);
  cmd.on(`option:${PORTS_EXCLUDE}`, record);
  cmd.action(async (_opts: unknown, self: Command) => {
    process.exitCode = await traceMain(self, outputs);
  });
}

/** A flag's value on this command, else on its parent (which takes shared flags first). */
function valueOf(self: Command, long: string): unknown {
  for (const c of [self, self.parent]) {
    const opt = c?.options.find((o) => o.long === `--${long}`);
    const v: unknown = opt ? c?.getOptionValue(opt.attributeName()) : undefined;
    if (v !== undefined) return v;
  }
  return undefined;
}

function captureFlags(self: Command, outputs: readonly string[]): { raw: RawFlags; format: string } {
  const raw: Record<string, string | boolean | undefined> = {};
  for (const long of ['config-file', ...flagDefs.map((d) => d.long)]) {
    const v = valueOf(self, long);
    if (v !== undefined) raw[long] = typeof v === 'boolean' ? v : String(v);
  }
  let format = 'text';
  delete raw[PORTS_EXCLUDE];
  for (const v of outputs) {
    if (FORMATS.includes(v)) format = v;
    else if (/^[\d,:]*$/.test(v)) raw[PORTS_EXCLUDE] = v;
    else throw invalidFlag('-o/--output', v, 'expected text or json');
  }
  return { raw, format };
}

function str(self: Command, name: string): string | undefined {
  const v: unknown = self.getOptionValue(name);
  return typeof v === 'string' ? v : undefined;
}

async function traceMain(self: Command, outputs: readonly string[]): Promise<number> {
  const { raw, format } = captureFlags(self, outputs);
  const local: unknown = self.getOptionValue('localAddress');
  const packet = makePacket({
    direction: str(self, 'direction'), protocol: str(self, 'protocol'), src: str(self, 'src'), dst: str(self, 'dst'),
    sport: str(self, 'sport'), dport: str(self, 'dport'), uid: str(self, 'uid'), gid: str(self, 'gid'),
    inInterface: str(self, 'inInterface'), outInterface: str(self, 'outInterface'), state: str(self, 'state'),
    mark: str(self, 'mark'), connmark: str(self, 'connmark'), localAddresses: Array.isArray(local) ? (local as string[]) : [],
  });
  const ns = str(self, 'fromNamespace');
  const file = str(self, 'fromFile');
  if (ns !== undefined && file !== undefined) {
    throw new MizzenError(ErrorCodes.InvalidFlag, 'give at most one of --from-namespace and --from-file');
  }
  if (ns === '') throw invalidFlag('--from-namespace', ns, 'expected a network namespace name');
  const force = typeof raw['force-iptables-binary'] === 'string' ? raw['force-iptables-binary'] : '';
  let loaded: LoadedRules;
  if (ns !== undefined) loaded = await rulesFromNamespace(ns, packet.family, force);
  else if (file !== undefined) loaded = rulesFromFile(file);
  else loaded = await rulesFromFlags(raw, process.env, packet.family);

  const traced = tracePacket(loaded.ruleset, packet);
  const trace = { ...traced, notes: [...loaded.notes, ...traced.notes] };
  if (format === 'json') process.stdout.write(`${JSON.stringify(traceToJson(trace, loaded.source), null, 2)}\n`);
  else process.stdout.write(formatTrace(trace, { rulesFrom: loaded.description }));
  return 0;
}
