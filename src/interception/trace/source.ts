/**
 * Where the traced rules come from: generated from `mizzen iptables` flags (bound, filled in and
 * validated exactly as `mizzen iptables` does, then played into a ruleset), read live from a
 * network namespace with iptables-save, or parsed from iptables-save text in a file or stdin.
 */
import { readFileSync } from 'node:fs';
import { ErrorCodes, MizzenError } from '../../core/errors.ts';
import { bindConfig, type RawFlags } from '../bind.ts';
import { buildCapturePlan } from '../capture.ts';
import { freezeConfig, type FrozenCaptureConfig } from '../config.ts';
import type { Dependencies } from '../deps/dependencies.ts';
import { RealDependencies } from '../deps/real.ts';
import { fillFromEnvironment } from '../detect.ts';
import { applyPlan, parseSave, type Ruleset } from '../ruleset.ts';
import { detectTools } from '../tools.ts';
import { validateConfig } from '../validate.ts';
import type { TraceSource } from './format.ts';

export interface LoadedRules {
  readonly ruleset: Ruleset;
  readonly source: TraceSource;
  /** For the `rules:` line of the text output. */
  readonly description: string;
  readonly notes: readonly string[];
}

/** The ruleset one family of a capture plan produces on a clean slate. */
export function rulesetFromConfig(cfg: FrozenCaptureConfig, family: 4 | 6): Ruleset {
  const plan = buildCapturePlan(cfg);
  return applyPlan(family === 4 ? plan.rules.ipv4 : plan.rules.ipv6);
}

export async function rulesFromFlags(
  flags: RawFlags, env: NodeJS.ProcessEnv, family: 4 | 6, probe?: Dependencies,
): Promise<LoadedRules> {
  const configFile = flags['config-file'];
  const bound = bindConfig({ env, flags, configFile: typeof configFile === 'string' ? configFile : undefined });
  await fillFromEnvironment(bound.config, bound.explicit, env, probe ?? new RealDependencies(bound.config.NetworkNamespace));
  const notes: string[] = [];
  if (family === 6 && !bound.config.EnableIPv6 && !bound.explicit.has('EnableIPv6')) {
    // The packet is IPv6, so the pod has IPv6: trace the rules istio-init would write for it.
    bound.config.EnableIPv6 = true;
    notes.push('IPv6 packet: IPv6 rules generated as if IPv6 were detected');
  }
  const cfg = freezeConfig(bound.config);
  const invalid = validateConfig(cfg);
  if (invalid) throw invalid;
  const plan = buildCapturePlan(cfg);
  notes.push(...plan.warnings);
  const ruleset = applyPlan(family === 4 ? plan.rules.ipv4 : plan.rules.ipv6);
  return { ruleset, source: 'flags', description: `generated from flags (IPv${family})`, notes };
}

/** Runs iptables-save (or ip6tables-save) in the named namespace, with the variant that holds rules. */
export async function rulesFromNamespace(name: string, family: 4 | 6, forceBinary = ''): Promise<LoadedRules> {
  const deps = new RealDependencies(name);
  const tools = await detectTools(deps, forceBinary);
  const save = family === 4 ? tools.ipv4.save : tools.ipv6.save;
  const r = await deps.run({ bin: save, args: [] });
  if (r.code !== 0) {
    throw new MizzenError(ErrorCodes.CommandFailed, `ip netns exec ${name} ${save} failed (exit ${r.code}): ${r.stderr.trim()}`);
  }
  return { ruleset: parseSave(r.stdout), source: 'namespace', description: `${save} in network namespace ${name}`, notes: [] };
}

/** iptables-save text from a file, or from stdin for `-`. */
export function rulesFromFile(path: string): LoadedRules {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (cause) {
    throw new MizzenError(ErrorCodes.InvalidRuleset, `--from-file ${path}: cannot read the file`, { cause });
  }
  const where = path === '-' ? 'stdin' : path;
  return { ruleset: parseSave(text), source: 'file', description: `iptables-save text from ${where}`, notes: [] };
}
