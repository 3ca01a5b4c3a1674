/**
 * Driving the traffic matrix's mesh (test/e2e/traffic/mesh.yaml) from a test: `mizzen up` with the
 * app's paths filled in, HTTP exchanges sent from a client pod by a small python3 program (many
 * requests per exec, each with its own method, headers and optional concurrency; every answer
 * comes back with status, headers and body), curl through the ingress gateway from the host,
 * `mizzen exec` into pods, a sidecar's access log and stats, and waiting until a proxy holds
 * the config just applied (`mizzen proxy-config ... -o json`).
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mustRunCli, runCli, type CliResult } from '../../helpers/cli.ts';
import { sh } from '../../helpers/netns.ts';
import { cliEntry, repoRoot } from '../../helpers/paths.ts';

export const fixture = join(repoRoot, 'test', 'e2e', 'traffic');
export const scenario = (name: string): string => join(fixture, 'scenarios', `${name}.yaml`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Exchange {
  readonly url: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Seconds to wait before sending (requests of one batch with `parallel` start together). */
  readonly after?: number;
}

export interface Answer {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The app's JSON echo, when the body is one. */
  readonly echo: Echo | undefined;
  readonly error?: string;
}

export interface Echo {
  version: string; pod: string; method: string; path: string; headers: Record<string, string>;
  protocol: string; peer: string; port: number; conn: number; connRequests: number; delayed?: boolean;
}

/** Sends the exchanges one after another (or all at once with parallel) on fresh connections; prints one JSON list. */
const BULK = `
import http.client, json, sys, threading, time, urllib.parse
reqs = json.loads(sys.argv[1]); parallel = sys.argv[2] == "1"; out = [None] * len(reqs)
def one(i, r):
    time.sleep(r.get("after", 0))
    u = urllib.parse.urlsplit(r["url"])
    try:
        c = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=20)
        c.request(r.get("method", "GET"), (u.path or "/") + ("?" + u.query if u.query else ""), headers=r.get("headers", {}))
        a = c.getresponse(); h = {}
        for k, v in a.getheaders(): h[k.lower()] = h[k.lower()] + ", " + v if k.lower() in h else v
        out[i] = {"status": a.status, "headers": h, "body": a.read().decode("utf-8", "replace")}
        c.close()
    except Exception as e:
        out[i] = {"status": 0, "headers": {}, "body": "", "error": repr(e)}
if parallel:
    ts = [threading.Thread(target=one, args=(i, r)) for i, r in enumerate(reqs)]
    [t.start() for t in ts]; [t.join() for t in ts]
else:
    [one(i, r) for i, r in enumerate(reqs)]
print(json.dumps(out))
`;

export class TrafficMesh {
  readonly stateDir = mkdtempSync(join(tmpdir(), 'mizzen-traffic-'));
  readonly env: NodeJS.ProcessEnv = { ...process.env, MIZZEN_STATE_DIR: this.stateDir };
  gatewayUrl = '';
  pods: string[] = [];

  cli(args: readonly string[]): Promise<CliResult> {
    return runCli(args, { env: this.env });
  }

  mustCli(args: readonly string[]): Promise<string> {
    return mustRunCli(args, { env: this.env });
  }

  /** A fixture file with @NODE@, @APP@ and @CLI@ filled in, written under the state directory. */
  private filled(file: string): string {
    const dir = mkdtempSync(join(this.stateDir, 'yaml-'));
    const yaml = readFileSync(file, 'utf8').replaceAll('@NODE@', process.execPath).replaceAll('@APP@', join(fixture, 'echo-app.ts')).replaceAll('@CLI@', cliEntry);
    writeFileSync(join(dir, 'mesh.yaml'), yaml);
    return dir;
  }

  async up(): Promise<void> {
    chmodSync(this.stateDir, 0o755);
    const up = await this.cli(['up', '-f', this.filled(join(fixture, 'mesh.yaml'))]);
    assert.equal(up.code, 0, up.stderr);
    this.gatewayUrl = /istio-ingressgateway: (http:\/\/127\.0\.0\.1:\d+)/.exec(up.stdout)?.[1] ?? '';
    assert.ok(this.gatewayUrl, up.stdout);
    const names = async (ns: string): Promise<string[]> =>
      (JSON.parse(await this.mustCli(['get', 'pods', '-n', ns, '-o', 'json'])) as { items: { metadata: { name: string } }[] }).items.map((p) => `${p.metadata.name}.${ns}`);
    this.pods = [...await names('traffic'), ...await names('istio-system')].sort();
    await this.untilConfig('client.traffic', 'cluster', (j) => j.includes('outbound|8099||bare.traffic.svc.cluster.local') && j.includes('outbound|9090||server.traffic.svc.cluster.local'), 'the registry');
    await this.untilConfig('client.other', 'cluster', (j) => j.includes('outbound|8080||server.traffic.svc.cluster.local'), 'the registry');
  }

  /** `mizzen down`; the state directory is removed only when it worked (else it names what to clean). */
  async down(): Promise<void> {
    const down = await this.cli(['down']);
    assert.equal(down.code, 0, `mizzen down failed; the mesh's state is kept in ${this.stateDir}: ${down.stderr}`);
    rmSync(this.stateDir, { recursive: true, force: true });
  }

  /** Pods (name.namespace) of a Deployment (or the pod itself). */
  podsOf(prefix: string): string[] {
    return this.pods.filter((p) => p.startsWith(`${prefix}-`) || p === `${prefix}.traffic`);
  }

  /** The exchanges, sent from client.<ns> (through its sidecar). */
  async send(reqs: readonly Exchange[], opts: { from?: 'traffic' | 'other'; parallel?: boolean } = {}): Promise<Answer[]> {
    const r = await this.cli(['exec', 'client', '-n', opts.from ?? 'traffic', '-c', 'client', '--', 'python3', '-c', BULK, JSON.stringify(reqs), opts.parallel ? '1' : '0']);
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout) as Omit<Answer, 'echo'>[];
    return list.map((a) => {
      let echo: Echo | undefined;
      try { echo = JSON.parse(a.body) as Echo; } catch { echo = undefined; }
      return { ...a, echo };
    });
  }

  async one(req: Exchange, from: 'traffic' | 'other' = 'traffic'): Promise<Answer> {
    const [a] = await this.send([req], { from });
    assert.ok(a);
    return a;
  }

  /** curl from the host through the ingress gateway with this Host. */
  viaGateway(host: string, path: string, headers: Readonly<Record<string, string>> = {}): { status: number; headers: string; body: string } {
    const extra = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
    const r = sh(['curl', '-sS', '--max-time', '10', '-D', '-', '-H', `Host: ${host}`, ...extra, `${this.gatewayUrl}${path}`]);
    assert.equal(r.code, 0, r.stderr);
    const [head = '', body = ''] = r.stdout.split('\r\n\r\n', 2);
    return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0), headers: head.toLowerCase(), body };
  }

  async podIp(pod: string): Promise<string> {
    const [name = '', ns = ''] = pod.split('.');
    const p = JSON.parse(await this.mustCli(['get', 'pod', name, '-n', ns, '-o', 'json'])) as { status: { podIP: string } };
    return p.status.podIP;
  }

  /** Runs a command in a container of a pod (name.namespace). */
  exec(pod: string, container: string, cmd: readonly string[]): Promise<string> {
    const [name = '', ns = ''] = pod.split('.');
    return this.mustCli(['exec', name, '-n', ns, '-c', container, '--', ...cmd]);
  }

  /** How many requests whose path starts with prefix the app in pod has answered. */
  async seen(pod: string, prefix: string): Promise<number> {
    const out = await this.exec(pod, 'app', ['curl', '-sS', `http://127.0.0.1:8080/_seen?prefix=${encodeURIComponent(prefix)}`]);
    return (JSON.parse(out) as { count: number }).count;
  }

  async apply(name: string): Promise<void> {
    await this.mustCli(['apply', '-f', this.filled(scenario(name))]);
  }

  /** Envoy's stats of a proxy (admin /stats), name.namespace. */
  stats(pod: string): Promise<string> {
    return this.exec(pod, 'istio-proxy', ['curl', '-sS', 'http://127.0.0.1:15000/stats']);
  }

  stat(text: string, name: string): number {
    const m = new RegExp(`^${name.replace(/[.|]/g, (c) => `\\${c}`)}: (\\d+)$`, 'm').exec(text);
    return Number(m?.[1] ?? 0);
  }

  /** The last line of a sidecar's access log matching re, waiting a little for it. */
  async logLine(pod: string, re: RegExp): Promise<string> {
    const [name = '', ns = ''] = pod.split('.');
    let log = '';
    for (let i = 0; i < 20; i++) {
      log = await this.mustCli(['logs', name, '-n', ns, '-c', 'istio-proxy']);
      const line = log.split('\n').filter((l) => re.test(l)).at(-1);
      if (line) return line;
      await sleep(250);
    }
    assert.fail(`no line matching ${String(re)} in ${pod}'s log:\n${log.split('\n').slice(-10).join('\n')}`);
  }

  /** Waits until proxy (name.namespace) holds config (`proxy-config <kind> -o json`) satisfying ok. */
  async untilConfig(proxy: string, kind: 'cluster' | 'route' | 'listener' | 'endpoint', ok: (json: string) => boolean, why: string): Promise<void> {
    let json = '';
    for (let i = 0; i < 80; i++) {
      const r = await this.cli(['proxy-config', kind, proxy, '-o', 'json']);
      json = r.stdout;
      if (r.code === 0 && ok(JSON.stringify(JSON.parse(json)))) return;
      await sleep(250);
    }
    assert.fail(`${proxy} never got ${why}: ${json.slice(0, 1500)}`);
  }
}
