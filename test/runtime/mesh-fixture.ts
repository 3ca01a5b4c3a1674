/**
 * A real mesh for a test: its own temporary state directory and mesh id, the `mizzen` CLI run
 * against it, and the checks that `mizzen down` left nothing behind (namespaces, /etc/netns
 * entries, host links, processes, files).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { sh, waitFor } from '../helpers/netns.ts';
import { repoRoot } from '../helpers/paths.ts';

export const FAKE_SIDECAR = `${process.execPath} ${join(repoRoot, 'test', 'fixtures', 'runtime-fake-sidecar.ts')}`;

let counter = 0;

function hostLinks(): string[] {
  return sh(['ip', '-o', 'link', 'show']).stdout.split('\n').map((l) => l.split(':')[1]?.trim() ?? '').filter((n) => n !== '').sort();
}

/** True when `pid` exists and is not a zombie (a killed orphan waits for init to reap it). */
export function isRunning(pid: number): boolean {
  const stat = sh(['ps', '-o', 'stat=', '-p', String(pid)]).stdout.trim();
  return stat !== '' && !stat.startsWith('Z');
}

export interface PodItem {
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: { containers: { name: string; readinessProbe?: unknown; livenessProbe?: unknown; securityContext: { runAsUser: number } }[]; initContainers?: { name: string; command: string[]; args?: string[] }[] };
  status: { phase: string; podIP?: string; containerStatuses: { name: string; restartCount: number; ready: boolean; containerID?: string; state: Record<string, { reason?: string; exitCode?: number; startedAt?: string }> }[] };
}

export class TestMesh {
  readonly stateDir: string;
  readonly meshId: string;
  readonly workDir: string;
  readonly env: NodeJS.ProcessEnv;
  private readonly linksBefore = hostLinks();
  private readonly pids = new Set<number>();

  constructor(env: NodeJS.ProcessEnv = {}) {
    this.stateDir = mkdtempSync('/tmp/mizzen-rt-state-');
    this.workDir = mkdtempSync('/tmp/mizzen-rt-work-');
    // App containers run as uid 1000: let them work in here.
    chmodSync(this.workDir, 0o777);
    this.meshId = `mzt${(process.pid % 1000).toString(36)}${(++counter).toString(36)}${Math.floor(Math.random() * 36).toString(36)}`.slice(0, 8);
    this.env = { ...process.env, MIZZEN_STATE_DIR: this.stateDir, ...env };
  }

  cli(args: readonly string[]): Promise<CliResult> {
    return runCli(args, { env: this.env });
  }

  async must(args: readonly string[]): Promise<string> {
    const r = await this.cli(args);
    assert.equal(r.code, 0, `mizzen ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
    return r.stdout;
  }

  /** Writes a manifest into the work directory (with WORKDIR replaced) and returns its path. */
  manifest(name: string, text: string): string {
    const path = join(this.workDir, name);
    writeFileSync(path, text.replaceAll('WORKDIR', this.workDir));
    return path;
  }

  up(file: string, extra: readonly string[] = []): Promise<CliResult> {
    // Runtime tests need no control plane: sidecars (the stand-in) read registry.json.
    return this.cli(['up', '-f', file, '--mesh-id', this.meshId, '--restart-backoff', '1s', '--timeout', '60s', '--no-control-plane', ...extra]);
  }

  async pods(namespace = '-A'): Promise<PodItem[]> {
    const args = namespace === '-A' ? ['get', 'pods', '-A', '-o', 'json'] : ['get', 'pods', '-n', namespace, '-o', 'json'];
    const list = JSON.parse(await this.must(args)) as { items: PodItem[] };
    for (const p of list.items) {
      for (const c of p.status.containerStatuses) {
        const pid = Number(c.containerID?.replace('mizzen://', ''));
        if (pid > 0) this.pids.add(pid);
      }
    }
    return list.items;
  }

  async pod(namespace: string, prefix: string): Promise<PodItem> {
    const p = (await this.pods(namespace)).find((x) => x.metadata.name.startsWith(prefix));
    assert.ok(p, `no pod ${namespace}/${prefix}*`);
    return p;
  }

  /** Runs a command in a pod's namespace as root (like a debug container). */
  podSh(pod: PodItem, script: string): { code: number; stdout: string; stderr: string } {
    const netns = `${this.meshId}-${pod.metadata.namespace}-${pod.metadata.name}`;
    return sh(['ip', 'netns', 'exec', netns, 'sh', '-c', script]);
  }

  supervisorPid(): number {
    return (JSON.parse(readFileSync(join(this.stateDir, 'mesh.json'), 'utf8')) as { supervisorPid: number }).supervisorPid;
  }

  async waitFor(what: string, ms: number, probe: () => Promise<boolean>): Promise<void> {
    await waitFor(probe, ms, what);
  }

  /** `mizzen down`, then checks nothing of the mesh is left; removes the temp folders. */
  async down(): Promise<void> {
    try {
      this.pids.add(this.supervisorPid());
      await this.pods();
    } catch {
      // the supervisor may be gone already
    }
    const r = await this.cli(['down', '--grace-period', '5']);
    assert.equal(r.code, 0, r.stderr);
    this.assertNothingLeft();
    rmSync(this.workDir, { recursive: true, force: true });
    rmSync(this.stateDir, { recursive: true, force: true });
  }

  assertNothingLeft(): void {
    const netns = sh(['ip', 'netns', 'list']).stdout.split('\n').filter((l) => l.startsWith(`${this.meshId}-`));
    assert.deepEqual(netns, [], 'network namespaces left');
    let etc: string[] = [];
    try {
      etc = readdirSync('/etc/netns').filter((e) => e.startsWith(`${this.meshId}-`));
    } catch {
      // no /etc/netns at all
    }
    assert.deepEqual(etc, [], '/etc/netns entries left');
    assert.deepEqual(hostLinks(), this.linksBefore, 'host links changed');
    const alive = [...this.pids].filter((pid) => isRunning(pid));
    assert.deepEqual(alive, [], 'processes left');
    assert.deepEqual(readdirSync(this.stateDir), [], 'files left in the state directory');
  }
}
