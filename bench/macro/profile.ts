/**
 * `npm run bench -- --profile`: Mizzen's sidecars under load with `node --cpu-prof`, in two
 * lives: at the fixed rate (HTTP/1.1, 1000 rps) and at saturation (wrk). Each sidecar writes
 * its profile when it exits (SIGTERM, drain); only the samples taken while the load ran count
 * (start-up is cut by comparing /proc start times with /proc/uptime). The summaries (top
 * self-time functions, time per area) are printed and written to profile-latest.md beside the
 * results; the raw profiles go to $TMPDIR/mizzen-bench-profiles (a few MB each, not for git).
 */
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSaturation } from './closed-loop.ts';
import { renderProfile, summarizeProfile, type CpuProfile, type Window } from './cpuprofile.ts';
import { withMode } from './data-path.ts';
import { runAtRate } from './h2load.ts';
import type { Pinning } from './pinning.ts';
import { PATH_1K } from './server-app.ts';

/** Milliseconds since boot (/proc/uptime, 10 ms resolution), the clock /proc/<pid>/stat's start time uses. */
function uptimeMs(): number {
  return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
}

/** When `pid` started, in ms since boot (field 22 of /proc/<pid>/stat, in 1/100 s). */
function processStartMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]) * 10;
}

export interface ProfilePlan {
  readonly seconds: number;
  readonly rps: number;
  readonly connections: number;
  readonly runDir: string;
  readonly pinning: Pinning;
  readonly outDir: string;
  readonly log: (line: string) => void;
  readonly nodeFlags?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** Raw profiles are a few MB each: kept outside the results folder, for Chrome DevTools or speedscope. */
const rawDir = join(tmpdir(), 'mizzen-bench-profiles');

async function profiled(plan: ProfilePlan, tag: 'rate' | 'saturation'): Promise<string[]> {
  const profDir = join(plan.runDir, `prof-${tag}`);
  mkdirSync(profDir, { recursive: true });
  chmodSync(profDir, 0o777); // the sidecars (uid 1337) write their profiles here
  const sides: { side: string; pid: number; window: Window }[] = [];
  await withMode('mizzen', join(plan.runDir, tag), plan.pinning, async (ctx, proxies) => {
    const url = `http://${ctx.topo.clusterIp}${PATH_1K}`;
    const from = uptimeMs();
    if (tag === 'rate') {
      const r = await runAtRate(ctx.topo.client, { url, connections: plan.connections, totalRps: plan.rps, seconds: plan.seconds, h1: true, logFile: join(ctx.dir, 'h2load.log'), cpus: plan.pinning.load, uid: 1000 });
      plan.log(`  ${plan.rps} rps c=${plan.connections}: ${r.succeeded} requests, p90 ${r.latencyUs.p90} µs`);
    } else {
      const s = await runSaturation(ctx.topo.client, url, 16, plan.seconds, plan.pinning.load, 1000);
      plan.log(`  saturation c=16: ${s.requestsPerSecond.toFixed(0)} req/s`);
    }
    const to = uptimeMs();
    for (const p of proxies.proxies) {
      const started = processStartMs(p.pid);
      sides.push({ side: p.side, pid: p.pid, window: { fromMs: from - started, toMs: to - started } });
    }
  }, { nodeFlags: [...(plan.nodeFlags ?? []), '--cpu-prof', '--cpu-prof-interval', '250', '--cpu-prof-dir', profDir], ...(plan.env ? { env: plan.env } : {}) });
  const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile written in ${profDir}`);
  const out: string[] = [];
  for (const f of files) {
    // node names them CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile
    const pid = Number(/^CPU\.\d+\.\d+\.(\d+)\./.exec(f)?.[1]);
    const s = sides.find((x) => x.pid === pid);
    const side = s?.side ?? f;
    const profile = JSON.parse(readFileSync(join(profDir, f), 'utf8')) as CpuProfile;
    const text = renderProfile(`${tag === 'rate' ? `${plan.rps} rps, ${plan.connections} connections` : 'saturation (wrk, 16 connections)'}, ${side} sidecar, during the load only`, summarizeProfile(profile, 25, s?.window));
    plan.log(`\n${text}`);
    out.push(text);
    copyFileSync(join(profDir, f), join(rawDir, `profile-${tag}-${side}.cpuprofile`));
  }
  return out;
}

export async function runProfile(plan: ProfilePlan): Promise<void> {
  mkdirSync(plan.outDir, { recursive: true });
  mkdirSync(rawDir, { recursive: true });
  const sections: string[] = [];
  for (const tag of ['rate', 'saturation'] as const) {
    plan.log(`\nprofiling the Mizzen sidecars: ${tag}, ${plan.seconds} s`);
    sections.push(...await profiled(plan, tag));
  }
  const md = [`### Mizzen sidecar CPU profile (${new Date().toISOString()})`, '', 'node --cpu-prof on both `mizzen sidecar` processes; self time per function and per area.', '', ...sections.map((s) => `\`\`\`\n${s}\n\`\`\`\n`)].join('\n');
  writeFileSync(join(plan.outDir, 'profile-latest.md'), md);
  plan.log(`\nwrote ${join(plan.outDir, 'profile-latest.md')}; raw .cpuprofile files in ${rawDir}`);
}
