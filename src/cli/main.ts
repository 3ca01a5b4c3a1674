/**
 * The `mizzen` command line. Each subcommand lives in its own file and registers itself here;
 * every failure ends in one place, which prints the error (and its causes) and sets the exit code.
 */
import { Command, CommanderError } from 'commander';
import { describeError, MizzenError } from '../core/errors.ts';
import { registerAnalyze } from './analyze.ts';
import { registerControl } from './control.ts';
import { registerDemo } from './demo.ts';
import { registerIptables } from './iptables.ts';
import { registerProxyConfig } from './proxy-config.ts';
import { registerProxyStatus } from './proxy-status.ts';
import { registerRuntime } from './runtime.ts';
import { registerSidecar } from './sidecar.ts';

export function buildProgram(): Command {
  const program = new Command('mizzen')
    .description('Mizzen: a service mesh with Istio\'s sidecar model, running for real on Linux')
    .version('0.1.0')
    .showHelpAfterError();
  registerIptables(program);
  registerDemo(program);
  registerRuntime(program);
  registerSidecar(program);
  registerAnalyze(program);
  registerProxyConfig(program);
  registerControl(program);
  registerProxyStatus(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    process.stderr.write(`mizzen: ${describeError(err)}\n`);
    return err instanceof MizzenError ? err.exitCode : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
