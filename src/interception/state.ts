/**
 * What is already in the kernel, compared with what we would write: istio-iptables' residue and
 * delta checks (a clean state, a matching one, or a different one), and the leftovers of any
 * earlier run (our chains, and jumps into them) so that cleanup removes every trace.
 */
import type { Logger } from '../core/log.ts';
import type { Dependencies, IptablesTools } from './deps/dependencies.ts';
import { checkCommands, jumpTarget } from './restore.ts';
import { isOwnChain, type BuiltRule } from './rule.ts';
import { applyPlan, parseSave, type Ruleset } from './ruleset.ts';

export interface StateVerdict {
  /** Some rules or our chains already exist. */
  readonly residue: boolean;
  /** What exists differs from what we would write. */
  readonly delta: boolean;
}

export async function readState(deps: Dependencies, tools: IptablesTools): Promise<Ruleset | undefined> {
  const r = await deps.run({ bin: tools.save, args: [] });
  if (r.code !== 0) return undefined;
  return parseSave(r.stdout);
}

/** The residue/delta verdict for both families (each given as its tools and planned rules). */
export async function verifyState(
  deps: Dependencies,
  families: readonly { tools: IptablesTools; rules: readonly BuiltRule[] }[],
  log: Logger,
): Promise<StateVerdict> {
  let residue = false;
  let delta = false;
  for (const fam of families) {
    const current = await readState(deps, fam.tools);
    if (!current) continue;
    const famResidue = [...current.values()].some((chains) => [...chains].some(([name, c]) => isOwnChain(name) || c.rules.length > 0));
    if (!famResidue) continue;
    residue = true;
    if (delta) continue;
    const expected = applyPlan(fam.rules);
    outer: for (const [table, chains] of expected) {
      for (const [name, c] of chains) {
        if (c.rules.length === 0) continue;
        const cur = current.get(table)?.get(name);
        if (!cur || cur.rules.length === 0 || (isOwnChain(name) && cur.rules.length !== c.rules.length)) {
          log.debug(`mismatching number of rules in chain ${table}/${name}`);
          delta = true;
          break outer;
        }
      }
    }
    if (delta) continue;
    for (const args of checkCommands(fam.rules)) {
      if ((await deps.run({ bin: fam.tools.cmd, args })).code !== 0) {
        delta = true;
        break;
      }
    }
  }
  if (!residue) {
    log.info('Clean-state detected, new iptables are needed');
    return { residue: false, delta: true };
  }
  log.warn(delta
    ? 'Found residues of old iptables rules/chains, reconciliation is needed'
    : 'Found compatible residues of old iptables rules/chains, reconciliation not needed');
  return { residue, delta };
}

/** Commands removing every jump into one of our chains and then our chains themselves. */
export function leftoverCleanup(current: Ruleset): string[][] {
  const out: string[][] = [];
  const chains: string[][] = [];
  for (const [table, tchains] of current) {
    for (const [name, c] of tchains) {
      for (const rule of c.rules) {
        const target = jumpTarget(rule);
        if (target !== undefined && isOwnChain(target)) out.push(['-t', table, '-D', name, ...rule]);
      }
      if (isOwnChain(name)) chains.push(['-t', table, '-F', name], ['-t', table, '-X', name]);
    }
  }
  return [...out, ...chains];
}
