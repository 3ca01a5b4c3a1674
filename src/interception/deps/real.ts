/**
 * The real Dependencies: runs commands, optionally inside a network namespace (a name under
 * /run/netns, entered with `ip netns exec`, or a path, entered with `nsenter --net=`).
 */
import { spawn } from 'node:child_process';
import type { Command, CommandResult, Dependencies } from './dependencies.ts';

export class RealDependencies implements Dependencies {
  private readonly prefix: readonly string[];

  constructor(networkNamespace = '') {
    if (networkNamespace === '') this.prefix = [];
    else if (networkNamespace.includes('/')) this.prefix = ['nsenter', `--net=${networkNamespace}`, '--'];
    else this.prefix = ['ip', 'netns', 'exec', networkNamespace];
  }

  run(cmd: Command): Promise<CommandResult> {
    const argv = [...this.prefix, cmd.bin, ...cmd.args];
    return execute(argv, cmd.stdin);
  }
}

export function execute(argv: readonly string[], stdin?: string): Promise<CommandResult> {
  return new Promise((resolve) => {
    const [bin = '', ...args] = argv;
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => resolve({ code: 127, stdout, stderr: stderr + String(err.message) }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(stdin ?? '');
  });
}
