/**
 * What a matched rule's target does: continue (MARK, CONNMARK, CT, LOG, NFLOG), jump or go to a
 * user chain, RETURN, end the table (ACCEPT, REDIRECT, TPROXY, DNAT, SNAT, MASQUERADE) or end
 * everything (DROP, REJECT). Marks change as the kernel changes them; NAT rewrites the flow.
 */
import type { Table } from '../rule.ts';
import type { Flow } from './flow.ts';
import { endpoint } from './packet.ts';
import { hex, parseMark, parsePort, parseU32, u32 } from './values.ts';

/** A target as the rule names it, with its options in rule order. */
export interface TargetSpec {
  readonly name: string;
  /** `-g`: the chain is entered without a return point. */
  readonly goto: boolean;
  readonly options: readonly (readonly [string, string | undefined])[];
}

interface OptionTable {
  readonly flags?: readonly string[];
  readonly values?: readonly string[];
}

const markOps = ['--set-mark', '--set-xmark', '--and-mark', '--or-mark', '--xor-mark'];
const natFlags = ['--random', '--random-fully', '--persistent'];

export const targetOptions: Readonly<Record<string, OptionTable>> = {
  ACCEPT: {}, DROP: {}, RETURN: {}, NOTRACK: {}, TRACE: {},
  REJECT: { values: ['--reject-with'] },
  REDIRECT: { values: ['--to-ports', '--to-port'], flags: natFlags },
  TPROXY: { values: ['--on-port', '--on-ip', '--tproxy-mark'] },
  MARK: { values: markOps },
  CONNMARK: { flags: ['--save-mark', '--restore-mark'], values: [...markOps, '--nfmask', '--ctmask', '--mask'] },
  CT: { flags: ['--notrack'], values: ['--zone', '--zone-orig', '--zone-reply', '--helper', '--ctevents', '--expevents', '--timeout'] },
  LOG: { flags: ['--log-tcp-sequence', '--log-tcp-options', '--log-ip-options', '--log-uid', '--log-macdecode'], values: ['--log-level', '--log-prefix'] },
  NFLOG: { values: ['--nflog-group', '--nflog-prefix', '--nflog-range', '--nflog-size', '--nflog-threshold'] },
  DNAT: { values: ['--to-destination'], flags: natFlags },
  SNAT: { values: ['--to-source'], flags: natFlags },
  MASQUERADE: { values: ['--to-ports'], flags: natFlags },
};

/** Arity of a target's option, or undefined when the target does not take it. */
export function targetOptionArity(target: string, option: string): 0 | 1 | undefined {
  const t = targetOptions[target];
  if (t?.flags?.includes(option)) return 0;
  if (t?.values?.includes(option)) return 1;
  return undefined;
}

export type Effect =
  | { readonly kind: 'continue'; readonly action: string }
  | { readonly kind: 'jump' | 'goto'; readonly chain: string; readonly action: string }
  | { readonly kind: 'return'; readonly action: string }
  | { readonly kind: 'accept'; readonly action: string }
  | { readonly kind: 'drop'; readonly target: string; readonly action: string }
  | { readonly kind: 'nat'; readonly nat: 'redirect' | 'dnat' | 'snat'; readonly port?: number; readonly action: string }
  | { readonly kind: 'tproxy'; readonly port: number; readonly mark: number; readonly action: string };

export interface TargetContext {
  readonly table: Table;
  /** The built-in chain being traversed. */
  readonly hook: string;
  readonly flow: Flow;
  readonly chainExists: (name: string) => boolean;
}

const opt = (t: TargetSpec, name: string): string | undefined => t.options.find(([n]) => n === name)?.[1];
const has = (t: TargetSpec, name: string): boolean => t.options.some(([n]) => n === name);

/** MARK/CONNMARK value operations on a 32-bit mark; undefined when none is given or it is bad. */
function markOp(t: TargetSpec, current: number): number | undefined {
  for (const [name, value] of t.options) {
    const m = value === undefined ? undefined : parseMark(value);
    if (!m || !markOps.includes(name)) continue;
    if (name === '--set-xmark') return u32.xor(u32.and(current, u32.not(m.mask)), m.value);
    if (name === '--set-mark') return u32.or(u32.and(current, u32.not(m.mask)), m.value);
    if (name === '--and-mark') return u32.and(current, m.value);
    if (name === '--or-mark') return u32.or(current, m.value);
    return u32.xor(current, m.value);
  }
  return undefined;
}

function connmark(t: TargetSpec, flow: Flow): string {
  const mask = parseU32(opt(t, '--mask') ?? '');
  const nfmask = parseU32(opt(t, '--nfmask') ?? '') ?? mask ?? 0xffffffff;
  const ctmask = parseU32(opt(t, '--ctmask') ?? '') ?? mask ?? 0xffffffff;
  if (has(t, '--save-mark')) {
    flow.connmark = u32.xor(u32.and(flow.connmark, u32.not(ctmask)), u32.and(flow.mark, nfmask));
    return `CONNMARK --save-mark: connmark now ${hex(flow.connmark)}`;
  }
  if (has(t, '--restore-mark')) {
    flow.mark = u32.xor(u32.and(flow.mark, u32.not(nfmask)), u32.and(flow.connmark, ctmask));
    return `CONNMARK --restore-mark: mark now ${hex(flow.mark)}`;
  }
  const next = markOp(t, flow.connmark);
  if (next === undefined) return 'CONNMARK (options not understood; connmark unchanged)';
  flow.connmark = next;
  return `CONNMARK: connmark now ${hex(flow.connmark)}`;
}

/** The first port of `P` or `P-Q`. */
function firstPort(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parsePort(text.split('-')[0] ?? '');
}

function redirect(t: TargetSpec, ctx: TargetContext): Effect {
  const { flow } = ctx;
  const port = firstPort(opt(t, '--to-ports') ?? opt(t, '--to-port')) ?? flow.dport;
  flow.dport = port;
  if (ctx.hook === 'OUTPUT') {
    flow.dst = flow.packet.family === 4 ? '127.0.0.1' : '::1';
    flow.outInterface = 'lo';
    return { kind: 'nat', nat: 'redirect', port, action: `REDIRECT to port ${port}; new destination ${endpoint(flow.dst, port)}` };
  }
  return { kind: 'nat', nat: 'redirect', port, action: `REDIRECT: redirected to port ${port}` };
}

function dnat(t: TargetSpec, flow: Flow): Effect {
  const to = opt(t, '--to-destination') ?? '';
  const m = /^\[([^\]]+)\](?::(\d+))?|^([^:]+)(?::(\d+))?$/.exec(to);
  const addr = (m?.[1] ?? m?.[3] ?? '').split('-')[0] ?? '';
  const port = firstPort(m?.[2] ?? m?.[4]);
  if (addr !== '') flow.dst = addr;
  if (port !== undefined) flow.dport = port;
  return { kind: 'nat', nat: 'dnat', port: flow.dport, action: `DNAT to ${endpoint(flow.dst, flow.dport)}` };
}

function tproxy(t: TargetSpec, ctx: TargetContext): Effect {
  const { flow } = ctx;
  const port = parsePort(opt(t, '--on-port') ?? '') ?? flow.dport;
  const m = parseMark(opt(t, '--tproxy-mark') ?? '');
  if (m) flow.mark = u32.xor(u32.and(flow.mark, u32.not(m.mask)), m.value);
  const where = ctx.table === 'mangle' && ctx.hook === 'PREROUTING' ? '' : ` (TPROXY is only valid in mangle PREROUTING, not ${ctx.table} ${ctx.hook})`;
  return { kind: 'tproxy', port, mark: flow.mark, action: `TPROXY to port ${port} with mark ${hex(flow.mark)}${where}` };
}

export function applyTarget(t: TargetSpec, ctx: TargetContext): Effect {
  const { flow } = ctx;
  switch (t.name) {
    case 'ACCEPT': return { kind: 'accept', action: 'ACCEPT' };
    case 'DROP': return { kind: 'drop', target: 'DROP', action: 'DROP' };
    case 'REJECT': return { kind: 'drop', target: 'REJECT', action: `REJECT${opt(t, '--reject-with') ? ` with ${opt(t, '--reject-with')}` : ''}` };
    case 'RETURN': return { kind: 'return', action: 'RETURN' };
    case 'REDIRECT': return redirect(t, ctx);
    case 'TPROXY': return tproxy(t, ctx);
    case 'DNAT': return dnat(t, flow);
    case 'SNAT': return { kind: 'nat', nat: 'snat', action: `SNAT to ${opt(t, '--to-source') ?? '?'}` };
    case 'MASQUERADE': return { kind: 'nat', nat: 'snat', action: 'MASQUERADE (source becomes the out-interface address)' };
    case 'MARK': {
      const next = markOp(t, flow.mark);
      if (next === undefined) return { kind: 'continue', action: 'MARK (options not understood; mark unchanged)' };
      flow.mark = next;
      return { kind: 'continue', action: `MARK: mark now ${hex(flow.mark)}` };
    }
    case 'CONNMARK': return { kind: 'continue', action: connmark(t, flow) };
    case 'CT': case 'NOTRACK': {
      // xt_CT: a packet that already has a conntrack template keeps it.
      if (flow.ctTemplate) return { kind: 'continue', action: `${t.name} ignored: an earlier CT target already set this packet's conntrack` };
      flow.ctTemplate = true;
      if (t.name === 'NOTRACK' || has(t, '--notrack')) return { kind: 'continue', action: `${t.name}: connection not tracked` };
      const zone = parseU32(opt(t, '--zone') ?? '');
      if (zone !== undefined) flow.zone = zone;
      return { kind: 'continue', action: zone === undefined ? 'CT (continue)' : `CT: conntrack zone ${zone}` };
    }
    case 'LOG': case 'NFLOG': case 'TRACE': return { kind: 'continue', action: `${t.name} (continue)` };
    default:
      break;
  }
  const verb = t.goto ? 'goto' : 'jump';
  if (ctx.chainExists(t.name)) return { kind: t.goto ? 'goto' : 'jump', chain: t.name, action: `${verb} ${t.name}` };
  if (otherTargets.has(t.name)) return { kind: 'continue', action: `target ${t.name} is not modelled, assumed to continue` };
  // A chain named but never given a rule (restore documents declare jumped-to chains): empty.
  return { kind: t.goto ? 'goto' : 'jump', chain: t.name, action: `${verb} ${t.name} (empty chain)` };
}

/** Extension targets the tracer knows by name but does not model. */
const otherTargets: ReadonlySet<string> = new Set([
  'AUDIT', 'CHECKSUM', 'CLASSIFY', 'CLUSTERIP', 'CONNSECMARK', 'DSCP', 'ECN', 'HL', 'HMARK', 'IDLETIMER', 'LED',
  'NETMAP', 'NFQUEUE', 'QUEUE', 'RATEEST', 'SECMARK', 'SET', 'SYNPROXY', 'TCPMSS', 'TCPOPTSTRIP', 'TEE', 'TOS', 'TTL',
]);
