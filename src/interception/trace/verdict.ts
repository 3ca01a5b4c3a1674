/**
 * The verdict: what finally happens to the packet and where that was decided. A DROP anywhere
 * wins; otherwise the first REDIRECT, TPROXY or DNAT; otherwise the packet is accepted, and the
 * verdict names the last built-in chain in which a rule matched (or says that none did).
 */
import type { Table } from '../rule.ts';
import type { Flow } from './flow.ts';
import { endpoint } from './packet.ts';
import type { HookTrace, TraceStep, Verdict } from './types.ts';
import { hex } from './values.ts';

interface At {
  readonly table: Table;
  readonly hook: string;
  readonly chain?: string;
  readonly index?: number;
  readonly path: readonly string[];
}

export type Decision =
  | (At & { readonly kind: 'drop'; readonly target: string; readonly byPolicy: boolean })
  | (At & { readonly kind: 'tproxy'; readonly port: number; readonly mark: number })
  | (At & { readonly kind: 'redirect' | 'dnat'; readonly port: number });

const where = (table: Table, path: readonly string[]): string => `${table} ${path.join(' -> ')}`;

function location(d: At): Pick<Verdict, 'table' | 'chain' | 'index' | 'path'> {
  return {
    table: d.table,
    chain: d.chain ?? d.hook,
    ...(d.index !== undefined ? { index: d.index } : {}),
    path: d.path,
  };
}

function accepted(flow: Flow, hooks: readonly HookTrace[], steps: readonly TraceStep[]): Verdict {
  const p = flow.packet;
  const moved = flow.dst !== p.dst || flow.dport !== p.dport;
  const dest = `${moved ? 'destination now' : 'destination unchanged'} ${endpoint(flow.dst, flow.dport)}`;
  const marked = flow.mark !== p.mark ? ` with mark ${hex(flow.mark)}` : '';
  const destination = { address: flow.dst, port: flow.dport };
  // The last built-in chain in which some rule matched is where the packet's fate was settled.
  const deciding = [...hooks].reverse().find((h) =>
    h.end !== undefined && steps.some((s) => s.matched && s.table === h.table && s.hook === h.chain));
  const why = p.state !== 'NEW' ? `state ${p.state}` : 'arrived over lo';
  const skippedNat = hooks.some((h) => h.table === 'nat' && h.skipped !== undefined) ? `; nat not traversed (${why})` : '';
  const end = deciding?.end;
  if (!deciding || !end) {
    return { kind: 'accept', destination, summary: `ACCEPT (no rule matched; every policy ACCEPT)${marked}; ${dest}${skippedNat}` };
  }
  if (end.by === 'policy') {
    const how = end.afterReturn ? 'RETURN then ACCEPT' : 'ACCEPT';
    const ret = end.afterReturn;
    return {
      kind: 'accept', destination, table: deciding.table,
      ...(ret ? { chain: ret.chain, index: ret.index, path: ret.path } : { chain: deciding.chain, path: [deciding.chain] }),
      summary: `${how} (policy of ${deciding.table} ${deciding.chain})${marked}; ${dest}${skippedNat}`,
    };
  }
  return {
    kind: 'accept', destination, table: deciding.table, chain: end.rule.chain, index: end.rule.index, path: end.path,
    summary: `${end.target} (${where(deciding.table, end.path)})${marked}; ${dest}${skippedNat}`,
  };
}

export function decide(d: Decision | undefined, flow: Flow, hooks: readonly HookTrace[], steps: readonly TraceStep[]): Verdict {
  if (!d) return accepted(flow, hooks, steps);
  const destination = { address: flow.dst, port: flow.dport };
  const here = where(d.table, d.path);
  switch (d.kind) {
    case 'drop':
      return {
        kind: 'drop', destination, ...location(d),
        summary: d.byPolicy ? `${d.target} (policy of ${d.table} ${d.hook})` : `${d.target} (${here})`,
      };
    case 'tproxy':
      return {
        kind: 'tproxy', port: d.port, mark: d.mark, destination, ...location(d),
        summary: `TPROXY to port ${d.port} with mark ${hex(d.mark)} (${here}); destination stays ${endpoint(flow.dst, flow.dport)}`,
      };
    case 'redirect': {
      const after = d.hook === 'OUTPUT'
        ? `new destination ${endpoint(flow.dst, flow.dport)}`
        : `redirected to port ${d.port} (destination ${endpoint(flow.dst, flow.dport)})`;
      return { kind: 'redirect', port: d.port, destination, ...location(d), summary: `REDIRECT to ${d.port} (${here}); ${after}` };
    }
    case 'dnat':
      return {
        kind: 'dnat', port: d.port, destination, ...location(d),
        summary: `DNAT (${here}); new destination ${endpoint(flow.dst, flow.dport)}`,
      };
  }
}
