/**
 * The `mizzen` command line. Each subcommand lives in its own file and registers itself here;
 * every failure ends in one place, which prints the error (and its causes) and sets the exit code.
 * Only the module of the subcommand being run is loaded (the sidecar does not pay for the control
 * plane, nor the CLI for the data plane); help and unknown commands load them all.
 */
import { Command, CommanderError } from 'commander';
import { describeError, MizzenError } from '../core/errors.ts';

type Register = (program: Command) => void;

/** Subcommand names (and aliases) -> the module that registers them. */
const commands: readonly { names: readonly string[]; load: () => Promise<Register> }[] = [
  { names: ['iptables'], load: async () => (await import('./iptables.ts')).registerIptables },
  { names: ['demo'], load: async () => (await import('./demo.ts')).registerDemo },
  { names: ['up', 'down', 'supervise', 'get', 'logs', 'exec', 'port-forward', 'apply', 'delete'], load: async () => (await import('./runtime.ts')).registerRuntime },
  { names: ['sidecar'], load: async () => (await import('./sidecar.ts')).registerSidecar },
  { names: ['gateway'], load: async () => (await import('./gateway.ts')).registerGateway },
  { names: ['analyze'], load: async () => (await import('./analyze.ts')).registerAnalyze },
  { names: ['proxy-config', 'pc'], load: async () => (await import('./proxy-config.ts')).registerProxyConfig },
  { names: ['control'], load: async () => (await import('./control.ts')).registerControl },
  { names: ['proxy-status', 'ps'], load: async () => (await import('./proxy-status.ts')).registerProxyStatus },
];

export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('mizzen')
    .description('Mizzen: a service mesh with Istio\'s sidecar model, running for real on Linux')
    .version('0.1.0')
    .showHelpAfterError();
  const first = argv.find((a) => !a.startsWith('-'));
  const wanted = commands.filter((c) => first !== undefined && c.names.includes(first));
  for (const c of wanted.length > 0 ? wanted : commands) (await c.load())(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    program.exitOverride();
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    process.stderr.write(`mizzen: ${describeError(err)}\n`);
    return err instanceof MizzenError ? err.exitCode : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
