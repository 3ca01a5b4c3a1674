/** `mizzen apply -f PATH` and `mizzen delete -f PATH` against the running mesh. */
import type { Command } from 'commander';
import { createLogger } from '../core/log.ts';
import { apply, remove } from '../runtime/client/apply.ts';
import { stateDirFrom } from '../runtime/state/paths.ts';
import { stdoutLine, withStateDir } from './runtime-options.ts';

export function registerApply(program: Command): void {
  withStateDir(program.command('apply')
    .description('apply Kubernetes manifests and Istio resources (Gateway, VirtualService, DestinationRule, ...) to the running mesh')
    .requiredOption('-f, --filename <path>', 'a YAML/JSON file, or a folder of them'))
    .action(async (o: { filename: string; stateDir?: string }) => {
      await apply({ file: o.filename, stateDir: stateDirFrom(o.stateDir) }, stdoutLine, createLogger());
    });
  withStateDir(program.command('delete')
    .description('delete Istio resources from the running mesh')
    .requiredOption('-f, --filename <path>', 'a YAML/JSON file, or a folder of them'))
    .action(async (o: { filename: string; stateDir?: string }) => {
      const missing = await remove({ file: o.filename, stateDir: stateDirFrom(o.stateDir) }, stdoutLine, createLogger());
      if (missing > 0) process.exitCode = 1;
    });
}
