/** `mizzen exec POD -- CMD...` and `mizzen port-forward POD|svc/NAME LOCAL:REMOTE...`. */
import type { Command } from 'commander';
import { execInPod } from '../runtime/client/exec.ts';
import { portForward } from '../runtime/client/port-forward.ts';
import { pathsOf, stderrLine, stdoutLine, withNamespace, withStateDir } from './runtime-options.ts';

export function registerPodCommands(program: Command): void {
  withNamespace(withStateDir(program.command('exec')
    .description('run a command in a pod\'s container (its network namespace, user, environment and working directory)')
    .argument('<pod>', 'pod name')
    .argument('[command...]', 'the command, after --')
    .option('-c, --container <name>', 'container (default: the pod\'s default container)')
    .option('-i, --stdin', 'pass stdin (always on)')
    .option('-t, --tty', 'accepted for kubectl compatibility')))
    .action(async (pod: string, command: string[], o: { stateDir?: string; namespace: string; container?: string }) => {
      process.exitCode = await execInPod({
        paths: pathsOf(o), namespace: o.namespace, pod, ...(o.container === undefined ? {} : { container: o.container }), command,
      }, stderrLine);
    });

  withNamespace(withStateDir(program.command('port-forward')
    .description('forward 127.0.0.1:LOCAL on this host to REMOTE in a pod (or a pod of a service)')
    .argument('<target>', 'POD, pod/NAME or svc/NAME')
    .argument('<ports...>', 'LOCAL:REMOTE, PORT or :REMOTE')
    .option('--address <address>', 'listen address (only 127.0.0.1 or localhost)', '127.0.0.1')))
    .action(async (target: string, ports: string[], o: { stateDir?: string; namespace: string; address: string }) => {
      await portForward({ socket: pathsOf(o).api, namespace: o.namespace, target, ports, address: o.address }, stdoutLine, stderrLine);
      await new Promise(() => undefined);
    });
}
