/**
 * `npm run bench -- --quick` works end to end: it runs every mode on the real namespace topology
 * and the control plane at a tiny scale, and writes JSON, SVG and markdown to the folder it is
 * given (a temp folder, never bench/results). Checks that the harness produced numbers for every
 * mode and measure (gRPC unary included, with a real gRPC client's check that calls end with
 * grpc-status 0), and that it left no namespace behind; never how fast anything is.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { BenchResult } from '../../bench/report/types.ts';
import { repoRoot } from '../helpers/paths.ts';

const out = mkdtempSync(join(tmpdir(), 'mz-bench-quick-'));
after(() => rmSync(out, { recursive: true, force: true }));

const finite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

describe('npm run bench -- --quick', () => {
  const run = spawnSync(process.execPath, [join(repoRoot, 'bench', 'run.ts'), '--quick', '--out', out], { encoding: 'utf8', timeout: 600_000 });

  it('exits 0 and prints the tables and the targets', () => {
    assert.equal(run.status, 0, `bench failed:\n${run.stderr}\n${run.stdout.slice(-2000)}`);
    assert.match(run.stdout, /Latency at a fixed 1000 rps/);
    assert.match(run.stdout, /Targets \(Mizzen/);
    assert.match(run.stdout, /Control plane at scale/);
  });

  it('writes <date>.json, latest.json, latest.svg and latest.md to the given folder', () => {
    const files = readdirSync(out);
    for (const f of ['latest.json', 'latest.svg', 'latest.md']) assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
    assert.ok(files.some((f) => /^\d{4}-\d\d-\d\dT[\d-]+Z\.json$/.test(f)), `a dated JSON in ${files.join(', ')}`);
    const svg = readFileSync(join(out, 'latest.svg'), 'utf8');
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\s*$/);
    for (const mode of ['baseline', 'mizzen', 'haproxy-tcp', 'haproxy-http']) assert.ok(svg.includes(`>${mode}<`), `${mode} labelled in the chart`);
    for (const group of ['h2c, 4 connections', 'gRPC unary, 4 connections']) assert.ok(svg.includes(`>${group}<`), `${group} in the latency chart`);
    const md = readFileSync(join(out, 'latest.md'), 'utf8');
    assert.match(md, /Machine: \d+ CPUs/);
    assert.match(md, /\| mizzen \|/);
  });

  it('has numbers for every mode: latency, CPU and RSS of each proxy, saturation, bulk, h2c, gRPC', () => {
    const r = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchResult;
    assert.equal(r.settings.quick, true);
    assert.deepEqual(r.modes.map((m) => m.mode), ['baseline', 'mizzen', 'haproxy-tcp', 'haproxy-http']);
    for (const m of r.modes) {
      assert.deepEqual(m.http1.map((p) => p.connections), [4, 16], m.mode);
      for (const p of [...m.http1, ...(m.h2c ? [m.h2c] : []), ...(m.grpc ? [m.grpc] : [])]) {
        assert.ok(p.succeeded > 0, `${m.mode} c=${p.connections}: requests succeeded`);
        for (const k of ['p50', 'p90', 'p99', 'max'] as const) assert.ok(finite(p.latencyUs[k]), `${m.mode} ${k}`);
        assert.equal(p.pairCpuPer1000 === null, m.mode === 'baseline', `${m.mode}: proxy CPU measured iff there are proxies`);
      }
      assert.ok(m.h2c, `${m.mode}: h2c point`);
      assert.ok(m.grpc, `${m.mode}: gRPC point`);
      assert.ok(m.grpcCheck && m.grpcCheck.calls > 0 && m.grpcCheck.ok === m.grpcCheck.calls, `${m.mode}: the grpc-js client's calls ended with grpc-status 0: ${JSON.stringify(m.grpcCheck)}`);
      assert.ok(finite(m.proxies[0]?.cpuPer1000['grpc'] ?? (m.mode === 'baseline' ? 0 : NaN)), `${m.mode}: CPU at the gRPC point`);
      assert.ok(finite(m.saturation.requestsPerSecond), `${m.mode}: saturation`);
      assert.ok(finite(m.bulk.gbitsPerSecond), `${m.mode}: bulk`);
      assert.equal(m.proxies.length, m.mode === 'baseline' ? 0 : 2, `${m.mode}: both sidecars`);
      for (const p of m.proxies) {
        assert.ok(finite(p.peakRssBytes) && p.peakRssBytes > 0, `${m.mode} ${p.side}: RSS`);
        assert.ok(finite(p.cpuPer1000['c4']), `${m.mode} ${p.side}: CPU at c=4`);
      }
    }
    assert.ok(r.targets.length >= 5, 'the targets were checked');
    assert.ok(r.targets.some((t) => t.name.includes('gRPC')), 'gRPC targets checked against HAProxy http mode');
    for (const t of r.targets) assert.equal(typeof t.pass, 'boolean', t.name);
  });

  it('measured Mizzen at L7, programmed over xDS: HTTP/1.1, HTTP/2 and gRPC access-log lines, istio_requests_total and gRPC successes on both sides; the control plane apart', () => {
    const r = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchResult;
    const mz = r.modes.find((m) => m.mode === 'mizzen');
    const t = mz?.telemetry;
    assert.ok(t, 'telemetry read from the mizzen sidecars');
    for (const side of ['client', 'server'] as const) {
      assert.ok((t.accessLogLines[side]['HTTP/1.1'] ?? 0) > 0, `${side}: HTTP/1.1 access-log lines: ${JSON.stringify(t.accessLogLines[side])}`);
      assert.ok((t.accessLogLines[side]['HTTP/2'] ?? 0) > 0, `${side}: HTTP/2 (h2c) access-log lines: ${JSON.stringify(t.accessLogLines[side])}`);
      assert.ok(t.requestsTotal[side] > 0, `${side}: istio_requests_total`);
      assert.ok((t.accessLogLines[side]['gRPC'] ?? 0) > 0, `${side}: gRPC access-log lines: ${JSON.stringify(t.accessLogLines[side])}`);
      assert.ok((t.grpcOk?.[side] ?? 0) > 0, `${side}: istio_requests_total with grpc_response_status="0"`);
    }
    const cp = mz?.others?.find((o) => o.name.includes('control plane'));
    assert.ok(cp && finite(cp.cpuSeconds) && cp.peakRssBytes > 0, 'the control plane measured on its own');
  });

  it('measured the control plane at a tiny scale: full push, one-endpoint push, memory', () => {
    const r = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchResult;
    const cp = r.controlPlane;
    assert.ok(cp);
    assert.ok(cp.proxies > 0 && cp.services > 0);
    assert.ok(finite(cp.fullPushMs) && finite(cp.endpointChangeMs), 'push times');
    assert.equal(cp.endpointChangeAffected, cp.proxies, 'every proxy received the endpoint change');
    assert.ok(cp.perProxy.clusters >= cp.services, 'a cluster per service');
    assert.ok(cp.memory.peakRssBytes > 0 && cp.memory.afterPushHeapUsedBytes > 0);
  });

  it('leaves no namespace, process or temp folder behind', () => {
    const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.startsWith(`mzb-${run.pid}-`));
    assert.deepEqual(left, []);
    const strays = spawnSync('pgrep', ['-af', 'mzb-run-'], { encoding: 'utf8' }).stdout.trim();
    assert.equal(strays, '', 'no process of the run (nginx, haproxy, sidecars) left running');
    assert.ok(!existsSync(join(out, 'mizzen')), 'run files stay in the run folder, which is removed');
  });
});
