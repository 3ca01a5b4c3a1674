/**
 * Pods for the namespace tests: network namespaces joined by a veth (test/helpers/netns.ts), a
 * route for the service CIDR, Istio's capture rules applied with the real `mizzen iptables`,
 * and processes started inside: `mizzen sidecar` as uid/gid 1337 with Istio's environment, the
 * app and the client as uid 1000 (the client with a stdin the test can write to).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { runCli } from '../helpers/cli.ts';
import { sh, waitFor, type Netns } from '../helpers/netns.ts';
import { cliEntry, repoRoot } from '../helpers/paths.ts';

export const INJECTOR = ['-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020'];

export async function applyCapture(ns: Netns): Promise<void> {
  const r = await runCli(['iptables', '--network-namespace', ns.name, ...INJECTOR]);
  if (r.code !== 0) throw new Error(`mizzen iptables failed: ${r.stderr}`);
}

export interface Proc {
  readonly child: ChildProcessWithoutNullStreams;
  readonly out: () => string;
  readonly err: () => string;
  readonly exit: Promise<number | null>;
}

/** Starts `cmd` in `ns` as `uid` (gid = uid), with extra environment variables and ambient capabilities. */
export function startIn(ns: Netns, uid: number, cmd: readonly string[], env: Record<string, string> = {}, caps: readonly string[] = []): Proc {
  const kv = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const capArgs = caps.length > 0 ? [`--inh-caps=${caps.map((c) => `+${c}`).join(',')}`, `--ambient-caps=${caps.map((c) => `+${c}`).join(',')}`] : [];
  const [bin = '', ...args] = ns.argv(['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', ...capArgs, 'env', ...kv, ...cmd]);
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, err: () => err, exit };
}

export function startSidecarIn(ns: Netns, env: Record<string, string>, flags: readonly string[] = [], caps: readonly string[] = []): Proc {
  return startIn(ns, 1337, [process.execPath, cliEntry, 'sidecar', ...flags], env, caps);
}

export const fixture = (name: string): string => `${repoRoot}/test/fixtures/${name}`;

/** GET http://127.0.0.1:PORT/PATH from inside the namespace; the status code and body. */
export function curlIn(ns: Netns, port: number, path: string): { status: number; body: string } {
  const r = sh(ns.argv(['curl', '-s', '--max-time', '3', '-w', '\n%{http_code}', `http://127.0.0.1:${port}${path}`]));
  const i = r.stdout.lastIndexOf('\n');
  return { status: Number(r.stdout.slice(i + 1)) || 0, body: r.stdout.slice(0, i) };
}

export async function waitReady(ns: Netns, sidecar: Proc): Promise<void> {
  await waitFor(() => {
    if (sidecar.child.exitCode !== null) throw new Error(`sidecar exited: ${sidecar.err()}`);
    return curlIn(ns, 15021, '/healthz/ready').status === 200;
  }, 15000, `sidecar in ${ns.name} to be ready`);
}

/** A directory readable by uid 1337 for the registry. */
export function shareable(dir: string): string {
  chmodSync(dir, 0o755);
  return dir;
}
