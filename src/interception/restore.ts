/**
 * Turns a family's rules into what is sent to the kernel: the iptables-restore document (laid
 * out exactly as istio-iptables lays it out), the `-C` checks used to detect existing rules, and
 * the commands that undo the rules. Pure functions over BuiltRule lists.
 */
import { BuiltinChains, BuiltinTargets, isOwnChain, Tables, type BuiltRule, type Table } from './rule.ts';

/** The iptables-restore document for one family, or '' when there are no rules. */
export function renderRestore(rules: readonly BuiltRule[]): string {
  const byTable = new Map<Table, string[]>(Tables.map((t) => [t, []]));
  const seen = new Set<string>();
  const declare = (table: Table, chain: string): void => {
    const key = `${chain}:${table}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (!BuiltinChains.has(chain) && !BuiltinTargets.has(chain)) byTable.get(table)?.push(`-N ${chain}`);
  };
  for (const r of rules) declare(r.table, r.chain);
  // Chains that are only jumped to still need to exist.
  for (const r of rules) {
    const n = r.params.length;
    if (n >= 2 && r.params[n - 2] === '-j') declare(r.table, r.params[n - 1] ?? '');
  }
  for (const r of rules) byTable.get(r.table)?.push(r.params.join(' '));

  let out = '';
  for (const table of Tables) {
    const lines = byTable.get(table) ?? [];
    if (lines.length === 0) continue;
    out += `* ${table}\n${lines.join('\n')}\nCOMMIT\n`;
  }
  return out;
}

/** `-t TABLE -C ...` for every rule: all succeed exactly when every rule already exists. */
export function checkCommands(rules: readonly BuiltRule[]): string[][] {
  return rules.map((r) => ['-t', r.table, ...withOp(r, '-C')]);
}

/**
 * Commands that remove the rules: delete (in reverse order) the rules in built-in chains and the
 * jumps between our chains, then flush and delete our chains. Run them best-effort.
 */
export function cleanupCommands(rules: readonly BuiltRule[]): string[][] {
  const reversed = [...rules].reverse();
  const out: string[][] = [];
  for (const r of reversed) {
    const target = jumpTarget(r.params);
    if (isOwnChain(r.chain) && !(target !== undefined && isOwnChain(target))) continue;
    out.push(['-t', r.table, ...withOp(r, '-D')]);
  }
  const seen = new Set<string>();
  for (const r of reversed) {
    const key = `${r.chain}:${r.table}`;
    if (seen.has(key) || BuiltinChains.has(r.chain)) continue;
    seen.add(key);
    out.push(['-t', r.table, '-F', r.chain], ['-t', r.table, '-X', r.chain]);
  }
  return out;
}

/** The rule's parameters with `-A CHAIN` / `-I CHAIN POS` replaced by `OP CHAIN`. */
export function withOp(r: BuiltRule, op: '-C' | '-D'): string[] {
  const [verb, chain, ...rest] = r.params;
  if (verb === '-I') return [op, chain ?? r.chain, ...rest.slice(1)];
  return [op, chain ?? r.chain, ...rest];
}

export function jumpTarget(params: readonly string[]): string | undefined {
  const i = params.findIndex((p) => p === '-j' || p === '--jump');
  return i >= 0 ? params[i + 1] : undefined;
}

/** Temporary DROP rules that close the pod while rules are rebuilt (reconcile). */
export const guardrails: readonly (readonly string[])[] = (['INPUT', 'FORWARD', 'OUTPUT'] as const).flatMap((chain) => [
  ['-t', 'filter', '-I', chain, '1', '-p', 'tcp', '-j', 'DROP'],
  ['-t', 'filter', '-I', chain, '1', '-p', 'udp', '-j', 'DROP'],
]);

export const guardrailsCleanup: readonly (readonly string[])[] = guardrails.map((g) => ['-t', 'filter', '-D', g[3] ?? '', ...g.slice(5)]);
