/**
 * Driving examples/bookinfo on a running one-host mesh from a test: curl from the host through
 * the ingress gateway (one curl process per batch, so that its requests share a keep-alive
 * connection), the pods by name prefix, `mizzen exec`, a sidecar's access log, and waiting until
 * istiod has pushed a change to a sidecar (read back with `mizzen proxy-config ... -o json`).
 */
import assert from 'node:assert/strict';
import { mustRunCli, runCli, type CliResult } from './cli.ts';
import { sh } from './netns.ts';

export interface Reply {
  readonly status: number;
  readonly body: string;
}

const MARK = '@@mizzen-status:';

export class Bookinfo {
  url = '';
  private pods: string[] = [];

  readonly env: NodeJS.ProcessEnv;
  readonly host: string;

  constructor(env: NodeJS.ProcessEnv, host = 'bookinfo.example.com') {
    this.env = env;
    this.host = host;
  }

  cli(args: readonly string[]): Promise<CliResult> {
    return runCli(args, { env: this.env });
  }

  mustCli(args: readonly string[]): Promise<string> {
    return mustRunCli(args, { env: this.env });
  }

  /** GETs each path in turn over one connection; extra curl arguments (headers, cookies) apply to all. */
  curl(paths: readonly string[], extra: readonly string[] = [], host = this.host): Reply[] {
    const argv = ['curl', '--no-progress-meter', '--max-time', '20', '-H', `Host: ${host}`, ...extra,
      '-w', `\n${MARK}%{http_code}\n`, ...paths.map((p) => `${this.url}${p}`)];
    const r = sh(argv);
    assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
    const parts = r.stdout.split(new RegExp(`\\n${MARK}(\\d{3})\\n`));
    const out: Reply[] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) out.push({ body: parts[i] ?? '', status: Number(parts[i + 1]) });
    assert.equal(out.length, paths.length, r.stdout);
    return out;
  }

  get(path: string, extra: readonly string[] = [], host = this.host): Reply {
    const [r] = this.curl([path], extra, host);
    assert.ok(r);
    return r;
  }

  async loadPods(): Promise<void> {
    const list = JSON.parse(await this.mustCli(['get', 'pods', '-n', 'bookinfo', '-o', 'json'])) as { items: { metadata: { name: string } }[] };
    this.pods = list.items.map((p) => p.metadata.name).sort();
  }

  /** Pods whose name starts with `prefix-` (a Deployment's). */
  podsOf(prefix: string): string[] {
    return this.pods.filter((p) => p.startsWith(`${prefix}-`));
  }

  pod(prefix: string): string {
    const [p] = this.podsOf(prefix);
    assert.ok(p, `a ${prefix} pod among ${this.pods.join(', ')}`);
    return p;
  }

  exec(pod: string, container: string, cmd: readonly string[]): Promise<string> {
    return this.mustCli(['exec', pod, '-n', 'bookinfo', '-c', container, '--', ...cmd]);
  }

  apply(file: string): Promise<string> {
    return this.mustCli(['apply', '-f', file]);
  }

  remove(file: string): Promise<string> {
    return this.mustCli(['delete', '-f', file]);
  }

  /** The first access log line of `pod`'s sidecar matching `re`, waiting a little for it. */
  async logLine(pod: string, re: RegExp): Promise<string> {
    let log = '';
    for (let i = 0; i < 20; i++) {
      log = await this.mustCli(['logs', pod, '-n', 'bookinfo', '-c', 'istio-proxy']);
      const line = log.split('\n').find((l) => re.test(l));
      if (line) return line;
      await sleep(250);
    }
    assert.fail(`no line matching ${String(re)} in ${pod}'s istio-proxy log:\n${log.split('\n').slice(-15).join('\n')}`);
  }

  /**
   * Waits until the sidecar of `pod` holds config satisfying `ok`, i.e. istiod has pushed what the
   * test just applied: `ok` gets the compact JSON of the reviews/ratings/details route (virtual
   * host `<service>.bookinfo.svc.cluster.local:9080` of route config 9080) or of one cluster.
   */
  async untilConfig(pod: string, of: { route: string } | { cluster: string }, ok: (json: string) => boolean, why: string): Promise<void> {
    const args = 'route' in of ? ['proxy-config', 'route', `${pod}.bookinfo`, '--name', '9080', '-o', 'json']
      : ['proxy-config', 'cluster', `${pod}.bookinfo`, '-o', 'json'];
    let json = '';
    for (let i = 0; i < 60; i++) {
      const r = await this.cli(args);
      if (r.code === 0) {
        const all = JSON.parse(r.stdout) as Record<string, unknown>[];
        const found = 'route' in of
          ? all.flatMap((rc) => rc['virtualHosts'] as Record<string, unknown>[]).find((vh) => vh['name'] === `${of.route}.bookinfo.svc.cluster.local:9080`)
          : all.find((c) => c['name'] === of.cluster);
        json = JSON.stringify(found ?? null);
        if (ok(json)) return;
      }
      await sleep(500);
    }
    assert.fail(`${pod} never got ${why}: ${json.slice(0, 2000)}`);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
