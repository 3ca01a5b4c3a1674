/**
 * One `mizzen iptables` run, as istio-iptables does it: probe the current state, clean up when
 * asked (or when reconciling a different state, behind DROP guardrails), apply the restore
 * documents, set up routes, and log the final state. The same code drives the real kernel and
 * the dry-run recorder; only the Dependencies differ.
 */
import { ErrorCodes, MizzenError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import { buildCapturePlan, type CapturePlan } from './capture.ts';
import { isTproxy, type FrozenCaptureConfig } from './config.ts';
import type { Dependencies, IptablesTools } from './deps/dependencies.ts';
import { environmentBlock, variablesBlock } from './log-config.ts';
import { cleanupCommands, guardrails, guardrailsCleanup, renderRestore } from './restore.ts';
import { cleanupRoutes, configureRoutes } from './routes.ts';
import type { BuiltRule, RulePlan } from './rule.ts';
import { leftoverCleanup, readState, verifyState } from './state.ts';
import type { FamilyTools } from './tools.ts';

export interface RunOptions {
  readonly cfg: FrozenCaptureConfig;
  readonly deps: Dependencies;
  readonly tools: FamilyTools;
  readonly log: Logger;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * A real kernel run (false in dry-run): program routes and ::6, and on cleanup also sweep the
   * other interception mode's rules and any leftover chains, which Istio's stub never shows.
   */
  readonly routes: boolean;
}

export async function runCapture(o: RunOptions): Promise<CapturePlan> {
  const { cfg, deps, tools, log } = o;
  const plan = buildCapturePlan(cfg);
  for (const w of plan.warnings) log.warn(w);
  log.info(environmentBlock(o.env ?? {}).trimEnd());
  log.info(variablesBlock(cfg).trimEnd());

  const families = [
    { tools: tools.ipv4, rules: plan.rules.ipv4, label: 'IPv4', on: true },
    { tools: tools.ipv6, rules: plan.rules.ipv6, label: 'IPv6', on: cfg.EnableIPv6 },
  ];
  let guarded = false;
  try {
    const { residue, delta } = await verifyState(deps, families, log);
    if (residue && delta && !cfg.Reconcile) {
      log.info('reconcile is recommended but no-reconcile flag is set. Unexpected behavior may occur due to preexisting iptables rules');
    }
    if ((residue && delta && cfg.Reconcile) || cfg.CleanupOnly) {
      if (!cfg.CleanupOnly) {
        log.info('Setting up guardrails');
        for (const f of families) {
          await runAll(deps, f.tools, guardrailsCleanup, false);
          await runAll(deps, f.tools, guardrails, true);
          guarded = true;
        }
      }
      log.info('Performing cleanup of existing iptables');
      // Also undo the other interception mode's rules: TPROXY writes non-jump rules into
      // mangle's built-in chains, which the leftover scan cannot tell from foreign rules.
      const other = o.routes ? otherModePlan(cfg) : { ipv4: [], ipv6: [] };
      await cleanup(deps, tools.ipv4, [...plan.rules.ipv4, ...other.ipv4], o.routes);
      await cleanup(deps, tools.ipv6, [...plan.rules.ipv6, ...other.ipv6], o.routes);
      if (o.routes && cfg.CleanupOnly) await cleanupRoutes(cfg, deps);
    }
    if ((delta || cfg.ForceApply) && !cfg.CleanupOnly) {
      log.info('Applying iptables chains and rules');
      for (const f of families) {
        const doc = renderRestore(f.rules);
        if (doc === '') continue;
        log.info(`Running iptables restore with: ${f.tools.restore} --noflush and the following input:\n${doc.trim()}`);
        const args = tools.legacy ? ['--noflush', '--wait=30'] : ['--noflush'];
        const r = await deps.run({ bin: f.tools.restore, args, stdin: doc });
        if (r.code !== 0) {
          throw new MizzenError(ErrorCodes.CommandFailed, `${f.tools.restore} --noflush failed (exit ${r.code}): ${r.stderr.trim()}`);
        }
      }
    }
    if (!delta && cfg.ForceApply) {
      log.warn('The forced apply of iptables changes succeeded despite the presence of conflicting rules or chains.');
    }
    if (o.routes && !cfg.CleanupOnly) await configureRoutes(cfg, deps, log);
  } finally {
    if (guarded) {
      log.info('Removing guardrails');
      for (const f of families) await runAll(deps, f.tools, guardrailsCleanup, false);
    }
    for (const f of families.filter((x) => x.on)) {
      const r = await deps.run({ bin: f.tools.save, args: [] });
      if (r.code === 0) log.info(`Final iptables state (${f.label}):\n${r.stdout.trimEnd()}`);
    }
  }
  return plan;
}

async function runAll(deps: Dependencies, tools: IptablesTools, cmds: readonly (readonly string[])[], mustSucceed: boolean): Promise<void> {
  for (const args of cmds) {
    const r = await deps.run({ bin: tools.cmd, args });
    if (mustSucceed && r.code !== 0) {
      throw new MizzenError(ErrorCodes.CommandFailed, `${tools.cmd} ${args.join(' ')} failed: ${r.stderr.trim()}`);
    }
  }
}

function otherModePlan(cfg: FrozenCaptureConfig): RulePlan {
  return buildCapturePlan(Object.freeze({
    ...cfg,
    EnableIPv6: true,
    InboundInterceptionMode: isTproxy(cfg) ? 'REDIRECT' : 'TPROXY',
    InboundPortsInclude: cfg.InboundPortsInclude === '' ? '*' : cfg.InboundPortsInclude,
  })).rules;
}

/** Undo our planned rules, then remove whatever else of ours is left (earlier configs). */
async function cleanup(deps: Dependencies, tools: IptablesTools, rules: readonly BuiltRule[], sweep: boolean): Promise<void> {
  await runAll(deps, tools, cleanupCommands(rules), false);
  if (!sweep) return;
  const current = await readState(deps, tools);
  if (current) await runAll(deps, tools, leftoverCleanup(current), false);
}
