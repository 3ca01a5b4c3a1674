/**
 * A trace for people and for programs. The text form lists, per table and built-in chain, every
 * rule visited (indented by chain depth) with MATCH or no match and what happened, then the
 * verdict. The JSON form is one object with the packet, the steps, the verdict and the marks.
 */
import { describePacket } from './packet.ts';
import type { Trace } from './types.ts';
import { hex } from './values.ts';

/** Where the rules came from, as the CLI reports it. */
export type TraceSource = 'flags' | 'namespace' | 'file';

export interface FormatOptions {
  /** A line describing where the rules came from. */
  readonly rulesFrom?: string;
}

export function formatTrace(trace: Trace, opts: FormatOptions = {}): string {
  const out: string[] = [`packet: ${describePacket(trace.packet)}`];
  if (opts.rulesFrom) out.push(`rules: ${opts.rulesFrom}`);
  out.push('');
  for (const h of trace.hooks) {
    const steps = trace.steps.filter((s) => s.table === h.table && s.hook === h.chain);
    if (h.skipped !== undefined) {
      out.push(`${h.table} ${h.chain}: ${h.skipped}`);
      continue;
    }
    if (steps.length === 0) {
      out.push(`${h.table} ${h.chain}: ${h.outcome}`);
      continue;
    }
    out.push(`${h.table} ${h.chain}:`);
    const width = Math.max(...steps.map((s) => String(s.index).length));
    for (const s of steps) {
      const pad = '  '.repeat(s.depth + 1);
      const mark = s.matched ? 'MATCH   ' : s.unknown !== undefined ? 'UNKNOWN ' : 'no match';
      const tail = s.matched || s.unknown !== undefined ? `  => ${s.action}` : '';
      out.push(`${pad}${String(s.index).padStart(width)} ${mark}  ${s.rule}${tail}`);
    }
    out.push(`  -> ${h.outcome}`);
  }
  out.push('');
  for (const n of trace.notes) out.push(`note: ${n}`);
  const v = trace.verdict;
  out.push(`verdict: ${v.summary}`);
  if (v.table !== undefined && v.chain !== undefined && v.index !== undefined) {
    const step = trace.steps.find((s) => s.table === v.table && s.chain === v.chain && s.index === v.index && s.matched);
    if (step) out.push(`decided by: ${v.table} ${v.chain} rule ${v.index}: ${step.rule}`);
  }
  const marks = [`mark ${hex(trace.mark)}`, `connmark ${hex(trace.connmark)}`];
  if (trace.zone !== undefined) marks.push(`conntrack zone ${trace.zone}`);
  out.push(`after: ${marks.join(', ')}`);
  return `${out.join('\n')}\n`;
}

/** The JSON document `mizzen iptables trace -o json` prints. */
export function traceToJson(trace: Trace, source: TraceSource): Record<string, unknown> {
  return {
    packet: Object.fromEntries(Object.entries(trace.packet).map(([k, v]) => [k, v ?? null])),
    source,
    steps: trace.steps.map((s) => ({
      table: s.table, hook: s.hook, chain: s.chain, index: s.index, rule: s.rule, matched: s.matched, action: s.action,
      ...(s.unknown !== undefined ? { unknown: s.unknown } : {}),
    })),
    hooks: trace.hooks.map((h) => ({ table: h.table, chain: h.chain, outcome: h.outcome, ...(h.skipped ? { skipped: h.skipped } : {}) })),
    verdict: trace.verdict,
    mark: trace.mark,
    connmark: trace.connmark,
    zone: trace.zone ?? null,
    notes: trace.notes,
  };
}
