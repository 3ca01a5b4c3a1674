/** `mizzen get pods|svc|endpoints` and `mizzen logs POD`, read from the running mesh. */
import type { Command } from 'commander';
import { invalidFlag } from '../core/errors.ts';
import { get, resourceOf } from '../runtime/client/get.ts';
import { logs } from '../runtime/client/logs.ts';
import { pathsOf, stderrLine, withNamespace, withStateDir } from './runtime-options.ts';

export function registerInspect(program: Command): void {
  withNamespace(withStateDir(program.command('get')
    .description('list pods (po), services (svc) or endpoints (ep), as kubectl get does')
    .argument('<resource>', 'pods, services or endpoints')
    .argument('[name]', 'one object by name')
    .option('-A, --all-namespaces', 'every namespace')
    .option('-o, --output <format>', 'wide, json or name')))
    .action(async (resource: string, name: string | undefined, o: { stateDir?: string; namespace: string; allNamespaces?: boolean; output?: string }) => {
      await get({
        socket: pathsOf(o).api, resource: resourceOf(resource), ...(name === undefined ? {} : { name }), namespace: o.namespace,
        allNamespaces: o.allNamespaces === true, ...(o.output === undefined ? {} : { output: o.output }),
      }, (t) => void process.stdout.write(t), (t) => void process.stderr.write(t));
    });

  withNamespace(withStateDir(program.command('logs')
    .description('print a container\'s output')
    .argument('<pod>', 'pod name')
    .option('-c, --container <name>', 'container (default: the pod\'s default container)')
    .option('-f, --follow', 'keep printing new output')
    .option('--tail <lines>', 'only the last lines')))
    .action(async (pod: string, o: { stateDir?: string; namespace: string; container?: string; follow?: boolean; tail?: string }) => {
      const tail = o.tail === undefined ? undefined : Number(o.tail);
      if (tail !== undefined && !Number.isInteger(tail)) throw invalidFlag('--tail', o.tail, 'must be a number of lines');
      await logs({
        paths: pathsOf(o), namespace: o.namespace, pod, ...(o.container === undefined ? {} : { container: o.container }),
        ...(tail === undefined ? {} : { tail }), follow: o.follow === true,
      }, (chunk) => void process.stdout.write(chunk), stderrLine);
    });
}
