/**
 * Starts one container process the way the contract says: `ip netns exec <pod netns> setpriv
 * --reuid U --regid G --clear-groups -- argv...`, in workingDir, with exactly the container's
 * environment, stdout and stderr appended to its log file, in a process group of its own (so
 * that stopping it reaches its children). Problems the kernel would only report as exit 127
 * (no such program, no such directory) are found first and reported as Kubernetes words them.
 */
import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, fchownSync, mkdirSync, openSync, statSync } from 'node:fs';
import { constants as os } from 'node:os';
import { dirname, join } from 'node:path';
import { toolPath } from './commands.ts';
import { signalGroup } from './processes.ts';

export interface ContainerLaunch {
  readonly netns: string;
  readonly uid: number;
  readonly gid: number;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly workingDir: string;
  readonly logPath: string;
}

export interface ExitStatus {
  readonly code: number;
  readonly signal: string | null;
}

export interface RunningProcess {
  readonly pid: number;
  readonly exited: Promise<ExitStatus>;
  signal(sig: NodeJS.Signals): void;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A start problem as the container runtime would report it, or undefined. */
export function startProblem(l: ContainerLaunch): string | undefined {
  const [bin = ''] = l.argv;
  try {
    if (!statSync(l.workingDir).isDirectory()) return `workingDir "${l.workingDir}" is not a directory`;
  } catch {
    return `workingDir "${l.workingDir}" does not exist on this host`;
  }
  if (bin.includes('/')) {
    return executable(bin.startsWith('/') ? bin : join(l.workingDir, bin)) ? undefined : `exec: "${bin}": stat ${bin}: no such file or directory`;
  }
  const found = (l.env['PATH'] ?? '').split(':').some((dir) => dir !== '' && executable(join(dir, bin)));
  return found ? undefined : `exec: "${bin}": executable file not found in $PATH`;
}

export function launch(l: ContainerLaunch): RunningProcess {
  mkdirSync(dirname(l.logPath), { recursive: true });
  const fd = openSync(l.logPath, 'a', 0o644);
  // The container's user owns its log, as it would own a pipe: programs that reopen
  // /dev/stdout (nginx's access_log /dev/stdout) can then do so.
  fchownSync(fd, l.uid, l.gid);
  const argv = ['netns', 'exec', l.netns, 'setpriv', `--reuid=${l.uid}`, `--regid=${l.gid}`, '--clear-groups', '--', ...l.argv];
  let child;
  try {
    child = spawn(toolPath('ip'), argv, { cwd: l.workingDir, env: { ...l.env }, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<ExitStatus>((resolve) => {
    child.on('error', () => resolve({ code: 128, signal: null }));
    child.on('exit', (code, signal) => resolve({ code: code ?? 128 + (signal ? os.signals[signal] : 9), signal }));
  });
  const pid = child.pid ?? -1;
  return { pid, exited, signal: (sig) => { if (pid > 0) signalGroup(pid, sig); } };
}
