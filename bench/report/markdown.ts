/**
 * bench/results/latest.md: the snippet for the README. The machine (nproc, memory, kernel, CPU
 * model), the date, how the run was made (pinning, tools), every table of the run, and the chart.
 */
import type { Table } from './tables.ts';
import type { BenchResult } from './types.ts';

const cell = (s: string): string => s.replaceAll('|', '\\|');

export function renderMarkdownTable(t: Table): string {
  return [`**${t.title}**`, '', `| ${t.header.map(cell).join(' | ')} |`, `|${t.header.map(() => '---').join('|')}|`, ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

export function renderMarkdown(r: BenchResult, tables: readonly Table[], svgName: string): string {
  const m = r.machine;
  const s = r.settings;
  const lines = [
    `### Benchmark (${r.date.slice(0, 10)})`,
    '',
    `Machine: ${m.cpus} CPUs (\`nproc\`), ${m.cpuModel}, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB memory, kernel ${m.kernel}, Node ${m.node}. Run ${r.date}${s.quick ? ' (**--quick**: figures are not meaningful)' : ''}.`,
    '',
    `Method (Istio's): a client pod calls a Service ClusterIP in a server pod; both pods have the injector's capture rules and a proxy in the sidecar position, on a bridge in network namespaces. Server: nginx, 1 KB body. Load: h2load --h1 at a fixed ${s.rps} rps (open loop, per-connection pacing) with ${s.connections.join(' and ')} connections, and h2load h2c (prior knowledge) at the same rate with ${s.connections[0] ?? 4} connections${r.modes.some((mode) => mode.grpc) ? ', and gRPC unary (h2load POSTing a framed 1 KB message with `content-type: application/grpc` to a @grpc/grpc-js server answering 1 KB) at the same rate with ' + String(s.connections[0] ?? 4) + ' connections' : ''}, ${s.secondsPerPoint} s per point; saturation with wrk (closed loop, ${s.saturationConnections} connections, ${s.saturationSeconds} s); TCP bulk with iperf3 (${s.bulkSeconds} s). CPU from /proc utime+stime of both proxies; RSS is VmHWM. Pinning: ${s.pinning.note}.${s.sidecarNodeFlags.length > 0 ? ` **Experiment: the Mizzen sidecars ran with node ${s.sidecarNodeFlags.join(' ')}.**` : ''}${Object.keys(s.sidecarEnv ?? {}).length > 0 ? ` **Experiment: the Mizzen sidecars ran with ${Object.entries(s.sidecarEnv ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')}.**` : ''} ${s.target}`,
    '',
    `Tools: ${Object.values(m.tools).join('; ')}.`,
    '',
    ...tables.flatMap((t) => [renderMarkdownTable(t), '']),
    ...(r.notes.length > 0 ? ['Notes:', ...r.notes.map((n) => `- ${n}`), ''] : []),
    `![latency, CPU and memory per mode](${svgName})`,
    '',
  ];
  return lines.join('\n');
}
