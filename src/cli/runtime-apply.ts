/** `mizzen apply -f PATH [-f PATH...]` and `mizzen delete -f PATH [-f PATH...]` against the running mesh (all files as one change, as kubectl takes them). */
import type { Command } from 'commander';
import { createLogger } from '../core/log.ts';
import { apply, remove } from '../runtime/client/apply.ts';
import { stateDirFrom } from '../runtime/state/paths.ts';
import { stdoutLine, withStateDir } from './runtime-options.ts';

/** Repeated -f values, in order. */
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function registerApply(program: Command): void {
  withStateDir(program.command('apply')
    .description('apply Kubernetes manifests and Istio resources (Gateway, VirtualService, DestinationRule, ...) to the running mesh')
    .requiredOption('-f, --filename <path>', 'a YAML/JSON file, or a folder of them (repeatable)', collect))
    .action(async (o: { filename: string[]; stateDir?: string }) => {
      await apply({ files: o.filename, stateDir: stateDirFrom(o.stateDir) }, stdoutLine, createLogger());
    });
  withStateDir(program.command('delete')
    .description('delete Istio resources from the running mesh')
    .requiredOption('-f, --filename <path>', 'a YAML/JSON file, or a folder of them (repeatable)', collect))
    .action(async (o: { filename: string[]; stateDir?: string }) => {
      const missing = await remove({ files: o.filename, stateDir: stateDirFrom(o.stateDir) }, stdoutLine, createLogger());
      if (missing > 0) process.exitCode = 1;
    });
}
