/**
 * A V8 .cpuprofile (node --cpu-prof) reduced to what a person reads first: self time per
 * function (summed over every node of the call tree with the same function, file and line),
 * and self time per area (V8's pseudo-frames, Node internals, Mizzen's folders, dependencies),
 * and total (inclusive) time of Mizzen's own functions and of the node: internals they call
 * into (what a request costs along its path), optionally only over a window of the profile
 * (the load, without start-up and drain).
 */

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
export interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface SelfTime { readonly name: string; readonly where: string; readonly ms: number; readonly share: number }
export interface ProfileSummary {
  readonly totalMs: number;
  readonly idleMs: number;
  readonly busyMs: number;
  readonly functions: readonly SelfTime[];
  readonly areas: readonly SelfTime[];
  /** Total time (self + callees) of Mizzen's functions (src/) and of node: internals, top first. */
  readonly inclusiveMizzen: readonly SelfTime[];
  readonly inclusiveNode: readonly SelfTime[];
}

function shortUrl(url: string): string {
  const i = url.indexOf('/src/');
  if (i >= 0) return url.slice(i + 1);
  const j = url.indexOf('/node_modules/');
  if (j >= 0) return url.slice(j + 1);
  return url.replace(/^file:\/\//, '');
}

export function areaOf(f: CallFrame): string {
  if (f.url === '') return f.functionName.startsWith('(') ? f.functionName : '(native / V8 builtins)';
  if (f.url.startsWith('node:')) return `node:${f.url.slice(5).split('/').slice(0, 2).join('/')}`;
  const u = shortUrl(f.url);
  if (u.startsWith('node_modules/')) return u.split('/').slice(0, u.startsWith('node_modules/@') ? 3 : 2).join('/');
  if (u.startsWith('src/')) return u.split('/').slice(0, 3).join('/');
  return u;
}

/** Milliseconds after the profile's start: only samples in [fromMs, toMs) count (the load, not start-up). */
export interface Window { readonly fromMs: number; readonly toMs: number }

export function summarizeProfile(p: CpuProfile, top = 25, window?: Window): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let t = 0;
  p.samples.forEach((id, i) => {
    const d = p.timeDeltas[i] ?? 0;
    t += d;
    if (window && (t / 1000 < window.fromMs || t / 1000 >= window.toMs)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + d);
  });
  const fn = new Map<string, { name: string; where: string; us: number }>();
  const area = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const f = byId.get(id)?.callFrame;
    if (!f) continue;
    total += us;
    if (f.functionName === '(idle)') idle += us;
    const where = f.url === '' ? '' : `${shortUrl(f.url)}:${f.lineNumber + 1}`;
    const key = `${f.functionName}@${where}`;
    const e = fn.get(key) ?? { name: f.functionName || '(anonymous)', where, us: 0 };
    e.us += us;
    fn.set(key, e);
    const a = areaOf(f);
    area.set(a, (area.get(a) ?? 0) + us);
  }
  const busy = total - idle;
  const inclusive = inclusiveTimes(p, byId, selfUs);
  const rank = (entries: { name: string; where: string; us: number }[]): SelfTime[] => entries
    .filter((e) => e.name !== '(idle)').sort((a, b) => b.us - a.us).slice(0, top)
    .map((e) => ({ name: e.name, where: e.where, ms: e.us / 1000, share: busy > 0 ? e.us / busy : 0 }));
  return {
    totalMs: total / 1000, idleMs: idle / 1000, busyMs: busy / 1000,
    functions: rank([...fn.values()]),
    areas: rank([...area].map(([name, us]) => ({ name, where: '', us }))),
    inclusiveMizzen: rank(inclusive.filter((e) => e.where.startsWith('src/'))),
    inclusiveNode: rank(inclusive.filter((e) => e.where.startsWith('node:'))),
  };
}

/** Each function's self time plus its callees', counted once per sample even when recursive. */
function inclusiveTimes(p: CpuProfile, byId: ReadonlyMap<number, ProfileNode>, selfUs: ReadonlyMap<number, number>): { name: string; where: string; us: number }[] {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of selfUs) {
    const leaf = byId.get(id)?.callFrame;
    if (!leaf || leaf.functionName.startsWith('(')) continue;
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)?.callFrame;
      if (!f || f.url === '') continue;
      const where = `${shortUrl(f.url)}:${f.lineNumber + 1}`;
      const key = `${f.functionName}@${where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const e = out.get(key) ?? { name: f.functionName || '(anonymous)', where, us: 0 };
      e.us += us;
      out.set(key, e);
    }
  }
  return [...out.values()];
}

export function renderProfile(title: string, s: ProfileSummary): string {
  const row = (e: SelfTime): string => `${e.ms.toFixed(0).padStart(7)} ms  ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.name}${e.where ? `  (${e.where})` : ''}`;
  return [
    `${title}: ${s.totalMs.toFixed(0)} ms sampled, ${s.busyMs.toFixed(0)} ms busy, ${s.idleMs.toFixed(0)} ms idle (shares are of busy time)`,
    'top self time by function:', ...s.functions.map(row),
    'self time by area:', ...s.areas.map(row),
    'total (inclusive) time, Mizzen functions:', ...s.inclusiveMizzen.map(row),
    'total (inclusive) time, node: internals:', ...s.inclusiveNode.map(row),
  ].join('\n');
}
