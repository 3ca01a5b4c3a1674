/** The machine a run was on: CPUs, CPU model, memory, kernel, Node, and the tools' versions. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import type { Machine } from './types.ts';

function firstLine(argv: readonly string[]): string {
  const [bin = '', ...args] = argv;
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'not found';
}

export function machineInfo(): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    cpus: cpus().length,
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    kernel: release(),
    node: process.version,
    tools: {
      haproxy: firstLine(['haproxy', '-v']),
      nginx: firstLine(['nginx', '-v']),
      h2load: firstLine(['h2load', '--version']),
      wrk: firstLine(['wrk', '-v']),
      iperf3: firstLine(['iperf3', '-v']),
    },
  };
}

/** Fails early, naming the package, when a tool the data path needs is missing. */
export function missingTools(): string[] {
  const need: [string, string][] = [['haproxy', 'haproxy'], ['nginx', 'nginx-light'], ['h2load', 'nghttp2-client'], ['wrk', 'wrk'], ['iperf3', 'iperf3'], ['taskset', 'util-linux'], ['curl', 'curl']];
  return need.filter(([bin]) => spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0).map(([bin, pkg]) => `${bin} (Debian package ${pkg})`);
}
