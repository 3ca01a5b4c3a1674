/**
 * `mizzen iptables`: istio-iptables' command line (same flags, env vars and defaults). It binds
 * and validates the config, then runs the capture against the kernel or, with --dry-run, against
 * the recorder, printing exactly the lines istio-iptables' goldens hold.
 */
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { rawFlags } from './raw-flags.ts';
import { createLogger } from '../core/log.ts';
import { bindConfig } from '../interception/bind.ts';
import { freezeConfig } from '../interception/config.ts';
import { RealDependencies } from '../interception/deps/real.ts';
import { RecordingDependencies } from '../interception/deps/recording.ts';
import { fillFromEnvironment } from '../interception/detect.ts';
import { flagDefs } from '../interception/flags.ts';
import { runCapture } from '../interception/run.ts';
import { detectTools, plainTools } from '../interception/tools.ts';
import { validateConfig } from '../interception/validate.ts';
import { runValidation } from '../interception/validation.ts';
import { registerTrace } from './trace.ts';

export function registerIptables(program: Command): void {
  const cmd = program
    .command('iptables')
    .description("program a pod's traffic capture, rule for rule what istio-init writes")
    .option('--config-file <file>', 'JSON object of config fields (the names istio-iptables uses, as in cases.json)');
  for (const d of flagDefs) {
    const flags = `${d.short ? `-${d.short}, ` : ''}--${d.long} ${d.kind === 'bool' ? '[bool]' : '<value>'}`;
    const env = d.env.length > 0 ? ` (env ${d.env.join(', ')})` : '';
    cmd.addOption(new Option(flags, `${d.help}${env}`));
  }
  cmd.action(async (_opts: unknown, self: Command) => {
    const code = await iptablesMain(self);
    process.exitCode = code;
  });
  registerTrace(cmd);
}


async function iptablesMain(self: Command): Promise<number> {
  const log = createLogger();
  const raw = rawFlags(self);
  const bound = bindConfig({ env: process.env, flags: raw, configFile: raw['config-file'] as string | undefined });
  const probe = new RealDependencies(bound.config.NetworkNamespace);
  await fillFromEnvironment(bound.config, bound.explicit, process.env, probe);
  const cfg = freezeConfig(bound.config);
  const invalid = validateConfig(cfg);
  if (invalid) throw invalid;

  if (!cfg.SkipRuleApply) {
    if (cfg.DryRun) {
      const rec = new RecordingDependencies();
      await runCapture({ cfg, deps: rec, tools: plainTools, log, env: process.env, routes: false });
      const text = rec.text();
      process.stdout.write(`${text}\n`);
      const file = process.env['DRY_RUN_FILE_PATH'];
      if (file) writeFileSync(file, `${text}\n`);
    } else {
      const deps = new RealDependencies(cfg.NetworkNamespace);
      const tools = await detectTools(deps, cfg.ForceIptablesBinary);
      await runCapture({ cfg, deps, tools, log, env: process.env, routes: true });
    }
  }
  if (cfg.RunValidation) await runValidation(cfg, log);
  return 0;
}
