/**
 * Real network namespaces for tests: a pair of "pods" joined by a veth (no bridge, no route to
 * the host's interfaces), processes started inside them (optionally as another uid/gid), and a
 * cleanup that removes every namespace and process even when the test fails.
 * Addresses come from 10.251.0.0/16 and stay inside the test's own namespaces.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

let counter = 0;

export function sh(argv: readonly string[], input?: string): { code: number; stdout: string; stderr: string } {
  const [bin = '', ...args] = argv;
  const r = spawnSync(bin, args, { input: input ?? '', encoding: 'utf8' });
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export function mustSh(argv: readonly string[], input?: string): string {
  const r = sh(argv, input);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

export class Netns {
  readonly name: string;
  private readonly children: ChildProcess[] = [];

  constructor(tag: string) {
    this.name = `mzt-${tag}-${process.pid}-${++counter}`.slice(0, 40);
    mustSh(['ip', 'netns', 'add', this.name]);
    this.exec(['ip', 'link', 'set', 'lo', 'up']);
  }

  /** argv run inside the namespace, for spawn. */
  argv(cmd: readonly string[]): string[] {
    return ['ip', 'netns', 'exec', this.name, ...cmd];
  }

  exec(cmd: readonly string[], input?: string): string {
    return mustSh(this.argv(cmd), input);
  }

  tryExec(cmd: readonly string[], input?: string): { code: number; stdout: string; stderr: string } {
    return sh(this.argv(cmd), input);
  }

  iptablesSave(family: 4 | 6 = 4, table?: string): string {
    const bin = family === 4 ? 'iptables-save' : 'ip6tables-save';
    return this.exec(table ? [bin, '-t', table] : [bin]);
  }

  /** Starts a long-running process in the namespace, as `uid`:`gid` when given. */
  start(cmd: readonly string[], opts: { uid?: number; gid?: number } = {}): ChildProcess {
    const ids = opts.uid !== undefined
      ? ['setpriv', `--reuid=${opts.uid}`, `--regid=${opts.gid ?? opts.uid}`, '--clear-groups']
      : [];
    const [bin = '', ...args] = this.argv([...ids, ...cmd]);
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    return child;
  }

  destroy(): void {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    // Kill anything else still running in the namespace before deleting it.
    const pids = sh(['ip', 'netns', 'pids', this.name]).stdout.split('\n').filter(Boolean);
    for (const pid of pids) sh(['kill', '-9', pid]);
    sh(['ip', 'netns', 'del', this.name]);
  }
}

/** Two namespaces joined by a veth pair: a.ip <-> b.ip on 10.251.X.0/24. */
export function linkPair(a: Netns, b: Netns, subnet: number): { aIp: string; bIp: string; aIf: string; bIf: string } {
  const aIf = `mza${process.pid % 10000}x${subnet}`.slice(0, 15);
  const bIf = `mzb${process.pid % 10000}x${subnet}`.slice(0, 15);
  mustSh(['ip', 'link', 'add', aIf, 'netns', a.name, 'type', 'veth', 'peer', 'name', bIf, 'netns', b.name]);
  const aIp = `10.251.${subnet}.1`;
  const bIp = `10.251.${subnet}.2`;
  a.exec(['ip', 'addr', 'add', `${aIp}/24`, 'dev', aIf]);
  b.exec(['ip', 'addr', 'add', `${bIp}/24`, 'dev', bIf]);
  a.exec(['ip', 'link', 'set', aIf, 'up']);
  b.exec(['ip', 'link', 'set', bIf, 'up']);
  return { aIp, bIp, aIf, bIf };
}

/** Waits until `probe` returns true, polling; throws after `ms`. */
export async function waitFor(probe: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Several namespaces on one bridge, as pods on a node: a "node" namespace holds bridge `br0`
 * and one veth per member; member i gets 10.251.<subnet>.<i+2>/24. Nothing touches the host.
 */
export function bridgeTopology(node: Netns, members: readonly Netns[], subnet: number): { ips: string[]; ifaces: string[] } {
  node.exec(['ip', 'link', 'add', 'br0', 'type', 'bridge']);
  node.exec(['ip', 'link', 'set', 'br0', 'up']);
  const ips: string[] = [];
  const ifaces: string[] = [];
  members.forEach((m, i) => {
    const nodeIf = `v${subnet}x${i}`;
    node.exec(['ip', 'link', 'add', nodeIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', m.name]);
    node.exec(['ip', 'link', 'set', nodeIf, 'master', 'br0']);
    node.exec(['ip', 'link', 'set', nodeIf, 'up']);
    const ip = `10.251.${subnet}.${i + 2}`;
    m.exec(['ip', 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
    m.exec(['ip', 'link', 'set', 'eth0', 'up']);
    ips.push(ip);
    ifaces.push('eth0');
  });
  return { ips, ifaces };
}
