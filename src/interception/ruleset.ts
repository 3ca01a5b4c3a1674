/**
 * A ruleset: tables of chains of rules, in kernel order. It is read from iptables-save text, or
 * made from a generated plan by playing its appends and inserts as iptables-restore would.
 * The tracer walks rulesets; the state checks compare them.
 */
import { ErrorCodes, MizzenError } from '../core/errors.ts';
import { BuiltinChains, Tables, type BuiltRule, type Table } from './rule.ts';

export interface Chain {
  /** ACCEPT/DROP for built-in chains; undefined for user chains. */
  readonly policy: string | undefined;
  /** Each rule's tokens after `-A CHAIN`. */
  readonly rules: string[][];
}

export type Ruleset = Map<Table, Map<string, Chain>>;

export function emptyRuleset(): Ruleset {
  return new Map(Tables.map((t) => [t, new Map<string, Chain>()]));
}

/** Splits a rule line into tokens, honouring double quotes as iptables-save writes them. */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of line.matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? ''));
  return out;
}

/** Parses iptables-save output (with or without `-c` counters). */
export function parseSave(text: string): Ruleset {
  const rs = emptyRuleset();
  let table: Map<string, Chain> | undefined;
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#') || line === 'COMMIT') continue;
    if (line.startsWith('*')) {
      const name = line.slice(1).trim() as Table;
      table = rs.get(name);
      if (!table) throw new MizzenError(ErrorCodes.InvalidRuleset, `unknown table ${JSON.stringify(name)} in iptables-save text`);
      continue;
    }
    if (!table) throw new MizzenError(ErrorCodes.InvalidRuleset, `rule outside a table: ${line}`);
    if (line.startsWith(':')) {
      const [name = '', policy = '-'] = line.slice(1).split(/\s+/);
      table.set(name, { policy: policy === '-' ? undefined : policy, rules: table.get(name)?.rules ?? [] });
      continue;
    }
    line = line.replace(/^\[\d+:\d+\]\s+/, '');
    const tokens = tokenize(line);
    const [verb, chain] = tokens;
    if ((verb !== '-A' && verb !== '--append') || chain === undefined) {
      throw new MizzenError(ErrorCodes.InvalidRuleset, `expected "-A CHAIN ..." in iptables-save text, got: ${line}`);
    }
    chainOf(table, chain).rules.push(tokens.slice(2));
  }
  return rs;
}

function chainOf(table: Map<string, Chain>, name: string): Chain {
  let c = table.get(name);
  if (!c) {
    c = { policy: BuiltinChains.has(name) ? 'ACCEPT' : undefined, rules: [] };
    table.set(name, c);
  }
  return c;
}

/** Applies generated rules, in order, to a copy of `base` (default: empty tables). */
export function applyPlan(rules: readonly BuiltRule[], base: Ruleset = emptyRuleset()): Ruleset {
  const rs: Ruleset = new Map([...base].map(([t, chains]) => [t, new Map([...chains].map(([n, c]) => [n, { policy: c.policy, rules: c.rules.map((r) => [...r]) }]))]));
  for (const r of rules) {
    const table = rs.get(r.table);
    if (!table) continue;
    const [verb, chain = r.chain, ...rest] = r.params;
    const c = chainOf(table, chain);
    if (verb === '-I') {
      const pos = Number(rest[0]);
      c.rules.splice(Math.max(0, pos - 1), 0, rest.slice(1));
    } else {
      c.rules.push(rest);
    }
  }
  return rs;
}

/** iptables-save-like text of a ruleset (no counters), for display and comparison. */
export function formatRuleset(rs: Ruleset): string {
  let out = '';
  for (const [table, chains] of rs) {
    if (chains.size === 0) continue;
    out += `*${table}\n`;
    for (const [name, c] of chains) out += `:${name} ${c.policy ?? '-'}\n`;
    for (const [name, c] of chains) for (const r of c.rules) out += `-A ${name} ${r.join(' ')}\n`;
    out += 'COMMIT\n';
  }
  return out;
}
