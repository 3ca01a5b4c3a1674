/**
 * The HTTP test mesh (test/http/mesh) brought up for real: renders the manifests (repo and data
 * paths filled in) into a temp dir with the files nginx serves (1 KiB, 64 MiB), runs `mizzen up`
 * in a state dir of its own, and gives the suites exec in pods, access logs, pod IPs, the
 * sidecars' PIDs and `mizzen down` (which the test file calls from after()).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { sh } from '../helpers/netns.ts';
import { cliEntry, repoRoot } from '../helpers/paths.ts';

export const NS = 'httpmesh';
export const NODE = join(repoRoot, 'node_modules', '.bin', 'node');
export const APPS = join(repoRoot, 'test', 'http', 'mesh', 'apps');
export const BIG_BYTES = 64 * 1024 * 1024;
const APP_UID = 1000;

export interface Mesh {
  readonly dir: string;
  readonly meshId: string;
  readonly nodeNetns: string;
  readonly podIp: Record<string, string>;
  readonly bigSha256: string;
  cli(args: string[]): Promise<CliResult>;
  /** Runs argv in a pod's container; asserts exit 0 unless `allowFail`. */
  exec(pod: string, argv: string[], opts?: { container?: string; allowFail?: boolean }): Promise<CliResult>;
  /** The same, without waiting: for a command that runs alongside others. */
  spawnExec(pod: string, argv: string[]): { done: Promise<CliResult>; kill(): void };
  proxyLog(pod: string): Promise<string>;
  netnsOf(pod: string): string;
  sidecarPid(pod: string): number;
  /** Kills (SIGTERM, by PID) the processes in the pod whose command line contains `marker`. */
  killInPod(pod: string, marker: string): void;
  podName(prefix: string): string;
}

function writeData(dir: string): string {
  const www = join(dir, 'www');
  mkdirSync(www, { recursive: true });
  writeFileSync(join(www, '1k.bin'), Buffer.alloc(1024, 'a'));
  const hash = createHash('sha256');
  const chunk = randomBytes(1024 * 1024);
  const parts: Buffer[] = [];
  for (let i = 0; i < BIG_BYTES / chunk.length; i++) {
    chunk[0] = i; // every MiB differs
    const copy = Buffer.from(chunk);
    hash.update(copy);
    parts.push(copy);
  }
  writeFileSync(join(www, 'big.bin'), Buffer.concat(parts));
  return hash.digest('hex');
}

export async function meshUp(): Promise<Mesh> {
  const dir = mkdtempSync(join(tmpdir(), 'mizzen-http-'));
  const stateDir = join(dir, 'state');
  const manifests = join(dir, 'manifests');
  mkdirSync(stateDir);
  mkdirSync(manifests);
  const bigSha256 = writeData(dir);
  // The apps run as uid 1000: they must read www and write nginx's temp dirs.
  sh(['chmod', '755', dir]);
  for (const p of [dir, join(dir, 'www'), join(dir, 'www', '1k.bin'), join(dir, 'www', 'big.bin')]) chownSync(p, APP_UID, APP_UID);
  const src = join(repoRoot, 'test', 'http', 'mesh');
  for (const f of readdirSync(src).filter((n) => n.endsWith('.yaml'))) {
    writeFileSync(join(manifests, f), readFileSync(join(src, f), 'utf8').replaceAll('@ROOT@', repoRoot).replaceAll('@DATA@', dir));
  }
  const env = { ...process.env, MIZZEN_STATE_DIR: stateDir };
  const cli = (args: string[]): Promise<CliResult> => runCli(args, { env });
  cleanup = { dir, cli };
  const up = await cli(['up', '-f', manifests]);
  assert.equal(up.code, 0, up.stderr);
  const state = JSON.parse(readFileSync(join(stateDir, 'mesh.json'), 'utf8')) as { id: string; nodeNetns?: string; namespaces: string[] };
  const pods = JSON.parse((await cli(['get', 'pods', '-n', NS, '-o', 'json'])).stdout) as { items: { metadata: { name: string }; status: { podIP: string } }[] };
  const podIp = Object.fromEntries(pods.items.map((p) => [p.metadata.name, p.status.podIP]));
  const podName = (prefix: string): string => Object.keys(podIp).find((n) => n === prefix || n.startsWith(`${prefix}-`)) ?? assert.fail(`no pod ${prefix}`);
  const netnsOf = (pod: string): string => state.namespaces.find((n) => n.endsWith(`-${podName(pod)}`)) ?? assert.fail(`no netns for ${pod}`);
  const execArgs = (pod: string, argv: string[], container?: string): string[] =>
    ['exec', podName(pod), '-n', NS, ...(container ? ['-c', container] : []), '--', ...argv];
  return {
    dir, meshId: state.id, nodeNetns: state.nodeNetns ?? `${state.id}-node`, podIp, bigSha256, cli, netnsOf, podName,
    async exec(pod, argv, opts = {}) {
      const r = await cli(execArgs(pod, argv, opts.container));
      if (!opts.allowFail) assert.equal(r.code, 0, `${argv.join(' ')} in ${pod}: ${r.stderr}${r.stdout.slice(0, 2000)}`);
      return r;
    },
    spawnExec(pod, argv) {
      const child = spawn(process.execPath, [cliEntry, ...execArgs(pod, argv)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr })));
      return { done, kill: () => void child.kill('SIGTERM') };
    },
    async proxyLog(pod) {
      return (await cli(['logs', podName(pod), '-n', NS, '-c', 'istio-proxy'])).stdout;
    },
    killInPod(pod, marker) {
      for (const pid of sh(['ip', 'netns', 'pids', netnsOf(pod)]).stdout.split('\n').filter(Boolean)) {
        if (sh(['cat', `/proc/${pid}/cmdline`]).stdout.replaceAll('\0', ' ').includes(marker)) sh(['kill', pid]);
      }
    },
    sidecarPid(pod) {
      const pids = sh(['ip', 'netns', 'pids', netnsOf(pod)]).stdout.split('\n').filter(Boolean);
      for (const pid of pids) {
        const status = sh(['cat', `/proc/${pid}/status`]).stdout;
        const cmd = sh(['cat', `/proc/${pid}/cmdline`]).stdout.replaceAll('\0', ' ');
        if (/^Uid:\s+1337\b/m.test(status) && /\bsidecar\b/.test(cmd) && /node/.test(cmd) && !/setpriv|ip netns/.test(cmd)) return Number(pid);
      }
      return assert.fail(`no istio-proxy process in ${pod}`);
    },
  };
}

export function vmRssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

/** What `meshDown` must undo, known before `mizzen up` starts (so a failed up is cleaned too). */
let cleanup: { dir: string; cli(args: string[]): Promise<CliResult> } | undefined;

export async function meshDown(): Promise<void> {
  if (!cleanup) return;
  const { dir, cli } = cleanup;
  cleanup = undefined;
  const down = await cli(['down']);
  rmSync(dir, { recursive: true, force: true });
  assert.equal(down.code, 0, down.stderr);
}
