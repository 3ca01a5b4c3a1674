/**
 * `mizzen exec POD [-c CONTAINER] -- CMD...`: runs CMD inside the pod's network namespace as
 * the container's user, with its environment and working directory, stdin/stdout/stderr
 * attached; the command's exit code is returned.
 */
import { spawn } from 'node:child_process';
import { toolPath } from '../host/commands.ts';
import { RuntimeErrors, runtimeError } from '../errors.ts';
import type { StatePaths } from '../state/paths.ts';
import { podTarget } from './pod-target.ts';

export interface ExecOptions {
  readonly paths: StatePaths;
  readonly namespace: string;
  readonly pod: string;
  readonly container?: string;
  readonly command: readonly string[];
}

export async function execInPod(o: ExecOptions, note: (line: string) => void): Promise<number> {
  if (o.command.length === 0) throw runtimeError(RuntimeErrors.NotFound, 'you must specify at least one command for the container (mizzen exec POD -- CMD...)');
  const ctx = await podTarget(o.paths.api, o.namespace, o.pod, o.container, note);
  if (!ctx.running) throw runtimeError(RuntimeErrors.NotFound, `container ${ctx.container} in pod ${o.pod} is not running`);
  const argv = ['netns', 'exec', ctx.netns, toolPath('setpriv'), `--reuid=${ctx.uid}`, `--regid=${ctx.gid}`, '--clear-groups', '--', ...o.command];
  const child = spawn(toolPath('ip'), argv, { stdio: 'inherit', env: ctx.env, cwd: ctx.workingDir });
  return new Promise((resolve) => {
    child.on('error', (err) => {
      note(`exec failed: ${err.message}`);
      resolve(126);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + 9 : 1)));
  });
}
