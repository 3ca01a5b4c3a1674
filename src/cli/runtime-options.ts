/** Flags every runtime command shares: where the mesh's state is, and which namespace. */
import { Option, type Command } from 'commander';
import { stateDirFrom, statePaths, type StatePaths } from '../runtime/state/paths.ts';

export function withStateDir(cmd: Command): Command {
  return cmd.addOption(new Option('--state-dir <dir>', 'the mesh\'s state directory').env('MIZZEN_STATE_DIR').default('/var/run/mizzen'));
}

export function withNamespace(cmd: Command): Command {
  return cmd.option('-n, --namespace <namespace>', 'the namespace', 'default');
}

export function pathsOf(opts: { stateDir?: string }): StatePaths {
  return statePaths(stateDirFrom(opts.stateDir));
}

export const stderrLine = (line: string): void => void process.stderr.write(`${line}\n`);
export const stdoutLine = (line: string): void => void process.stdout.write(`${line}\n`);
