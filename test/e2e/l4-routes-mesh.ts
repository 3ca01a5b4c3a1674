/**
 * The mesh of the routing tests (l4-routes, delegate, export-to): test/e2e/l4-routes brought up
 * with `mizzen up` in its own MIZZEN_STATE_DIR, and what the tests do in it: apply a scenario,
 * wait for a pod's sidecar config, curl / TCP / TLS from a client pod, read its access log.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mustRunCli, runCli, type CliResult } from '../helpers/cli.ts';
import { repoRoot } from '../helpers/paths.ts';

export const FIXTURE = join(repoRoot, 'test', 'e2e', 'l4-routes');
export const ECHO = 'echo.l4.svc.cluster.local';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A client pod: `name` in namespace `ns`. */
export interface Pod {
  readonly name: string;
  readonly ns: string;
}

export const CLIENT_A: Pod = { name: 'client', ns: 'l4' };
export const CLIENT_B: Pod = { name: 'client-b', ns: 'l4' };
export const CLIENT_OTHER: Pod = { name: 'client', ns: 'l4b' };

export class L4Mesh {
  readonly stateDir = mkdtempSync(join(tmpdir(), 'mizzen-l4-'));
  /** The ingress gateway's address on the host, as `mizzen up` prints it. */
  gatewayUrl = '';
  private readonly env = { ...process.env, MIZZEN_STATE_DIR: this.stateDir };

  cli(args: readonly string[]): Promise<CliResult> {
    return runCli(args, { env: this.env });
  }

  must(args: readonly string[]): Promise<string> {
    return mustRunCli(args, { env: this.env });
  }

  /** `mizzen up` of the fixture (plus `extra` folders), then waits until every client has echo's clusters. */
  async up(extra: readonly string[] = []): Promise<void> {
    const r = await this.cli(['up', '-f', FIXTURE, ...extra.flatMap((f) => ['-f', f])]);
    assert.equal(r.code, 0, r.stderr);
    this.gatewayUrl = /istio-ingressgateway: (http:\/\/127\.0\.0\.1:\d+)/.exec(r.stdout)?.[1] ?? '';
    for (const pod of [CLIENT_A, CLIENT_B, CLIENT_OTHER]) {
      await this.untilConfig(pod, 'cluster', (j) => j.includes(`outbound|9000||${ECHO}`), 'the registry');
    }
  }

  async down(): Promise<void> {
    const r = await this.cli(['down']);
    rmSync(this.stateDir, { recursive: true, force: true });
    assert.equal(r.code, 0, r.stderr);
  }

  /** Applies a scenario file, replacing `@KEY@` placeholders first. */
  async apply(file: string, vars: Readonly<Record<string, string>> = {}): Promise<void> {
    await this.must(['apply', '-f', this.render(file, vars)]);
  }

  /** Deletes what a scenario file names (`mizzen delete -f`). */
  async delete(file: string, vars: Readonly<Record<string, string>> = {}): Promise<void> {
    await this.must(['delete', '-f', this.render(file, vars)]);
  }

  private render(file: string, vars: Readonly<Record<string, string>>): string {
    let text = readFileSync(file, 'utf8');
    for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`@${k}@`, v);
    const dir = mkdtempSync(join(this.stateDir, 'scenario-'));
    const path = join(dir, file.split('/').at(-1) ?? 'scenario.yaml');
    writeFileSync(path, text);
    return path;
  }

  async clusterIp(service: string, ns: string): Promise<string> {
    const svc = JSON.parse(await this.must(['get', 'services', service, '-n', ns, '-o', 'json'])) as { spec: { clusterIP: string } };
    return svc.spec.clusterIP;
  }

  async podIp(name: string, ns: string): Promise<string> {
    const pod = JSON.parse(await this.must(['get', 'pods', name, '-n', ns, '-o', 'json'])) as { status: { podIP: string } };
    return pod.status.podIP;
  }

  /** Waits until the pod's sidecar holds config (`proxy-config <kind> -o json`) satisfying `ok`. */
  async untilConfig(pod: Pod, kind: 'cluster' | 'listener' | 'route', ok: (json: string) => boolean, why: string): Promise<string> {
    let json = '';
    for (let i = 0; i < 80; i++) {
      const r = await this.cli(['proxy-config', kind, `${pod.name}.${pod.ns}`, '-o', 'json']);
      json = r.stdout;
      if (r.code === 0 && ok(json)) return json;
      await sleep(500);
    }
    assert.fail(`${pod.name}.${pod.ns} never got ${why}: ${json.slice(0, 1500)}`);
  }

  /** curl from a pod: status (0 when the connection failed) and body. */
  async curl(pod: Pod, url: string, extra: readonly string[] = []): Promise<{ status: number; body: string }> {
    const r = await this.cli(['exec', pod.name, '-n', pod.ns, '--', 'curl', '-sS', '--max-time', '5', ...extra, '-w', '\n@%{http_code}', url]);
    const m = /\n@(\d{3})$/.exec(r.stdout);
    assert.ok(m, `curl ${url}: ${r.stdout} ${r.stderr}`);
    return { status: Number(m[1]), body: r.stdout.slice(0, m.index) };
  }

  /** `count` GETs of `url` from a pod in one process: each one's status and body. */
  async curlMany(pod: Pod, url: string, count: number): Promise<{ status: number; body: string }[]> {
    const script = `for i in $(seq ${count}); do curl -sS --max-time 5 -w '\n@%{http_code}\n' "$0"; done`;
    const r = await this.cli(['exec', pod.name, '-n', pod.ns, '--', 'sh', '-c', script, url]);
    const out = [...r.stdout.matchAll(/([^]*?)\n@(\d{3})\n/g)].map((m) => ({ status: Number(m[2]), body: m[1] ?? '' }));
    assert.equal(out.length, count, `curl ${url} x${count}: ${r.stdout} ${r.stderr}`);
    return out;
  }

  /**
   * `count` TCP connections from a pod to ip:port, each sending `ping` and reading the answer;
   * the answers ('' for a connection closed without one), in one python3 process.
   */
  async tcp(pod: Pod, ip: string, port: number, count = 1): Promise<string[]> {
    const script = [
      'import json, socket, sys',
      'out = []',
      'for _ in range(int(sys.argv[3])):',
      '    try:',
      '        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)',
      '        s.sendall(b"ping"); out.append(s.recv(100).decode()); s.close()',
      '    except OSError:',
      '        out.append("")',
      'print(json.dumps(out))',
    ].join('\n');
    const r = await this.cli(['exec', pod.name, '-n', pod.ns, '--', 'python3', '-c', script, ip, String(port), String(count)]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as string[];
  }

  /**
   * `count` TLS connections from a pod to ip:port with SNI `sni` (certificate not verified: the
   * stream is passed through to the app), each a GET /; the bodies ('' when refused), in one python3.
   */
  async tls(pod: Pod, ip: string, port: number, sni: string, count = 1): Promise<string[]> {
    const script = [
      'import json, socket, ssl, sys',
      'ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE',
      'out = []',
      'for _ in range(int(sys.argv[4])):',
      '    try:',
      '        s = ctx.wrap_socket(socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5), server_hostname=sys.argv[3])',
      '        s.sendall(("GET / HTTP/1.0\\r\\nHost: %s\\r\\n\\r\\n" % sys.argv[3]).encode())',
      '        data = b""',
      '        while True:',
      '            chunk = s.recv(4096)',
      '            if not chunk: break',
      '            data += chunk',
      '        out.append(data.decode().split("\\r\\n\\r\\n", 1)[-1]); s.close()',
      '    except OSError:',
      '        out.append("")',
      'print(json.dumps(out))',
    ].join('\n');
    const r = await this.cli(['exec', pod.name, '-n', pod.ns, '--', 'python3', '-c', script, ip, String(port), sni, String(count)]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as string[];
  }

  /** The last line of the pod's istio-proxy access log matching `re`, waiting a little for it. */
  async logLine(pod: Pod, re: RegExp): Promise<string> {
    let log = '';
    for (let i = 0; i < 20; i++) {
      log = await this.must(['logs', pod.name, '-n', pod.ns, '-c', 'istio-proxy']);
      const line = log.split('\n').filter((l) => re.test(l)).at(-1);
      if (line) return line;
      await sleep(250);
    }
    assert.fail(`no line matching ${String(re)} in ${pod.name}.${pod.ns}'s istio-proxy log:\n${log.split('\n').slice(-15).join('\n')}`);
  }
}

/** How many answers start with `prefix`. */
export const countOf = (answers: readonly string[], prefix: string): number => answers.filter((a) => a.startsWith(prefix)).length;
