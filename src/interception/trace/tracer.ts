/**
 * The tracer: walks one packet through a ruleset in netfilter's order and records every rule it
 * visits. Locally generated packets pass raw, mangle, nat and filter OUTPUT, then mangle and nat
 * POSTROUTING; delivered ones pass raw, mangle and nat PREROUTING, then mangle, filter and nat
 * INPUT. nat chains only see the first packet of a connection, and never a looped-back one.
 * Pure: no I/O.
 */
import { ErrorCodes, MizzenError } from '../../core/errors.ts';
import type { Table } from '../rule.ts';
import type { Chain, Ruleset } from '../ruleset.ts';
import { newFlow, type Flow } from './flow.ts';
import { evaluate } from './match.ts';
import type { Direction, Packet } from './packet.ts';
import { parseRule } from './parse.ts';
import { applyTarget, type Effect } from './targets.ts';
import type { HookTrace, ReturnRef, RuleRef, Trace, TraceStep } from './types.ts';
import { decide, type Decision } from './verdict.ts';

export const hookOrder: Readonly<Record<Direction, readonly (readonly [Table, string])[]>> = {
  outbound: [['raw', 'OUTPUT'], ['mangle', 'OUTPUT'], ['nat', 'OUTPUT'], ['filter', 'OUTPUT'], ['mangle', 'POSTROUTING'], ['nat', 'POSTROUTING']],
  inbound: [['raw', 'PREROUTING'], ['mangle', 'PREROUTING'], ['nat', 'PREROUTING'], ['mangle', 'INPUT'], ['filter', 'INPUT'], ['nat', 'INPUT']],
};

/** Rules visited in one built-in chain before the tracer gives up (a loop, or a runaway ruleset). */
const MAX_VISITS = 100_000;

/** A rule as iptables-save prints it, quoting arguments that hold spaces. */
export function ruleText(chain: string, tokens: readonly string[]): string {
  const q = (t: string): string => (t === '' || /[\s"]/.test(t) ? `"${t.replace(/["\\]/g, '\\$&')}"` : t);
  return ['-A', chain, ...tokens.map(q)].join(' ');
}

interface Frame {
  readonly chain: string;
  readonly rules: readonly (readonly string[])[];
  /** Chains from the built-in one to this one. */
  readonly path: readonly string[];
  next: number;
}

interface HookResult {
  readonly hook: HookTrace;
  /** The terminating effect of a rule, with where it happened. */
  readonly effect?: { readonly effect: Effect; readonly rule: RuleRef; readonly path: readonly string[] };
}

function walkHook(rs: Ruleset, table: Table, hook: string, flow: Flow, steps: TraceStep[]): HookResult {
  const chains: ReadonlyMap<string, Chain> = rs.get(table) ?? new Map<string, Chain>();
  const builtin = chains.get(hook);
  const policy = builtin?.policy ?? 'ACCEPT';
  const byPolicy = (afterReturn?: ReturnRef): HookResult => ({
    hook: {
      table, chain: hook,
      end: { by: 'policy', policy, ...(afterReturn ? { afterReturn } : {}) },
      outcome: `${afterReturn ? 'RETURN then ' : ''}${policy} (policy of ${table} ${hook})`,
    },
  });
  if (!builtin || builtin.rules.length === 0) {
    return { hook: { table, chain: hook, end: { by: 'policy', policy }, outcome: `no rules; ${policy} (policy)` } };
  }

  const stack: Frame[] = [];
  let cur: Frame = { chain: hook, rules: builtin.rules, path: [hook], next: 0 };
  let lastReturn: ReturnRef | undefined;
  const enter = (chain: string): Frame => {
    if (cur.path.includes(chain)) {
      throw new MizzenError(ErrorCodes.InvalidRuleset, `chain loop in ${table}: ${[...cur.path, chain].join(' -> ')}`);
    }
    return { chain, rules: chains.get(chain)?.rules ?? [], path: [...cur.path, chain], next: 0 };
  };

  for (let visits = 0; ; visits++) {
    if (visits > MAX_VISITS) throw new MizzenError(ErrorCodes.InvalidRuleset, `${table} ${hook}: more than ${MAX_VISITS} rules visited`);
    if (cur.next >= cur.rules.length) {
      const back = stack.pop();
      if (!back) return byPolicy(lastReturn);
      cur = back;
      continue;
    }
    const index = ++cur.next;
    const tokens = cur.rules[index - 1] ?? [];
    const base = { table, hook, chain: cur.chain, index, rule: ruleText(cur.chain, tokens), depth: cur.path.length - 1 };
    const parsed = parseRule(tokens);
    if (parsed.matches.some((m) => !evaluate(m, flow))) {
      steps.push({ ...base, matched: false, action: 'no match' });
      continue;
    }
    if (parsed.unknown.length > 0) {
      const unknown = parsed.unknown.join('; ');
      steps.push({ ...base, matched: false, action: `not understood (${unknown}): assumed not matched`, unknown });
      continue;
    }
    if (!parsed.target) {
      steps.push({ ...base, matched: true, action: 'no target: counted, continue' });
      continue;
    }
    const effect = applyTarget(parsed.target, { table, hook, flow, chainExists: (n) => chains.has(n) });
    steps.push({ ...base, matched: true, action: effect.action });
    const here: RuleRef = { chain: cur.chain, index };
    switch (effect.kind) {
      case 'continue':
        break;
      case 'jump':
        stack.push(cur);
        cur = enter(effect.chain);
        break;
      case 'goto':
        cur = enter(effect.chain);
        break;
      case 'return': {
        lastReturn = { ...here, path: cur.path };
        const back = stack.pop();
        if (!back) return byPolicy(lastReturn);
        cur = back;
        break;
      }
      default: {
        const target = parsed.target.name;
        const path = cur.path;
        return {
          hook: { table, chain: hook, end: { by: 'rule', rule: here, target, path }, outcome: `${effect.action} (${path.join(' -> ')})` },
          effect: { effect, rule: here, path },
        };
      }
    }
  }
}

/** Why the nat chains do not see this packet, or undefined when they do. */
function natSkipped(packet: Packet): string | undefined {
  if (packet.state !== 'NEW') return `skipped: nat chains see only the first packet of a connection (state ${packet.state})`;
  // Looped-back packets were sent by a local socket: their connection got its NAT on the way out.
  if (packet.direction === 'inbound' && packet.inInterface === 'lo') {
    return 'skipped: a packet arriving over lo was sent locally; its connection got its NAT in nat OUTPUT and POSTROUTING';
  }
  return undefined;
}

/** Walks `packet` through `ruleset` (one family's tables) and explains what happens to it. */
export function tracePacket(ruleset: Ruleset, packet: Packet): Trace {
  const flow = newFlow(packet);
  const steps: TraceStep[] = [];
  const hooks: HookTrace[] = [];
  const notes: string[] = [];
  let decision: Decision | undefined;

  for (const [table, hook] of hookOrder[packet.direction]) {
    if (decision?.kind === 'drop') {
      hooks.push({ table, chain: hook, skipped: 'not reached: the packet was dropped', outcome: 'not reached' });
      continue;
    }
    const natSkip = table === 'nat' ? natSkipped(packet) : undefined;
    if (natSkip !== undefined) {
      hooks.push({ table, chain: hook, skipped: natSkip, outcome: 'skipped' });
      continue;
    }
    const r = walkHook(ruleset, table, hook, flow, steps);
    hooks.push(r.hook);
    const end = r.hook.end;
    if (end?.by === 'policy' && end.policy !== 'ACCEPT') {
      decision = { kind: 'drop', table, hook, target: end.policy, byPolicy: true, path: [hook] };
    } else if (r.effect) {
      const { effect, rule, path } = r.effect;
      const at = { table, hook, chain: rule.chain, index: rule.index, path };
      if (effect.kind === 'drop') decision = { kind: 'drop', ...at, target: effect.target, byPolicy: false };
      else if (effect.kind === 'tproxy') decision ??= { kind: 'tproxy', ...at, port: effect.port, mark: effect.mark };
      else if (effect.kind === 'nat' && effect.nat !== 'snat') decision ??= { kind: effect.nat, ...at, port: effect.port ?? flow.dport };
      else if (effect.kind === 'nat') notes.push(`${table} ${hook}: ${effect.action}`);
    }
  }
  if (natSkipped(packet) !== undefined) notes.push('nat chains were not traversed: the connection keeps the NAT it already has, if any');
  return {
    packet,
    hooks,
    steps,
    verdict: decide(decision, flow, hooks, steps),
    mark: flow.mark,
    connmark: flow.connmark,
    zone: flow.zone,
    notes,
  };
}
