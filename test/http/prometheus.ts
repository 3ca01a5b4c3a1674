/**
 * A real Prometheus (Debian's `prometheus`) for the HTTP mesh tests, run inside the mesh's node
 * namespace so it reaches pod IPs and nothing else: it scrapes every pod's agent endpoint
 * (:15020/stats/prometheus, the merged metrics) each second; its web API listens on 127.0.0.1 of
 * that namespace only, and queries go through `ip netns exec ... curl`. stop() kills it and
 * removes its data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh, waitFor } from '../helpers/netns.ts';

const PORT = 19090;

export interface PromSample { metric: Record<string, string>; value: [number, string] }

export class Prometheus {
  private child: ChildProcess | undefined;
  private readonly dir: string;
  private readonly netns: string;

  constructor(dir: string, netns: string) {
    this.dir = dir;
    this.netns = netns;
  }

  async start(targets: Record<string, string>): Promise<void> {
    mkdirSync(join(this.dir, 'data'), { recursive: true });
    const statics = Object.entries(targets).map(([pod, ip]) => `      - targets: ['${ip}:15020']\n        labels: {pod: '${pod}'}`).join('\n');
    writeFileSync(join(this.dir, 'prometheus.yml'), [
      'global: {scrape_interval: 1s, scrape_timeout: 900ms, evaluation_interval: 1s}',
      'scrape_configs:',
      '  - job_name: envoy-stats',
      '    metrics_path: /stats/prometheus',
      '    static_configs:',
      statics, '',
    ].join('\n'));
    this.child = spawn('ip', ['netns', 'exec', this.netns, 'prometheus',
      `--config.file=${join(this.dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(this.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${PORT}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    await waitFor(() => {
      if (this.child?.exitCode !== null) throw new Error(`prometheus exited: ${stderr}`);
      return sh(['ip', 'netns', 'exec', this.netns, 'curl', '-sf', `http://127.0.0.1:${PORT}/-/ready`]).code === 0;
    }, 30_000, 'prometheus ready');
  }

  /** An instant query; returns the result vector. */
  query(promql: string): PromSample[] {
    const r = sh(['ip', 'netns', 'exec', this.netns, 'curl', '-sS', '--max-time', '10', `http://127.0.0.1:${PORT}/api/v1/query`, '--data-urlencode', `query=${promql}`]);
    const body = JSON.parse(r.stdout || '{}') as { status?: string; error?: string; data?: { result: PromSample[] } };
    if (body.status !== 'success') throw new Error(`query ${promql}: ${body.error ?? r.stderr}`);
    return body.data?.result ?? [];
  }

  /** Which scrape targets are up, by pod. */
  targetsUp(): Record<string, boolean> {
    return Object.fromEntries(this.query('up').map((s) => [s.metric['pod'] ?? '', s.value[1] === '1']));
  }

  async stop(): Promise<void> {
    const c = this.child;
    this.child = undefined;
    if (c && c.exitCode === null && c.signalCode === null) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
