/**
 * The trace of one packet: every rule visited (table, chain, 1-based index in its chain, whether
 * it matched, what happened), each built-in chain the packet passed or skipped, and the verdict.
 * Plain data, JSON-ready; kernel tests compare `steps` with the rule counters.
 */
import type { Table } from '../rule.ts';
import type { Packet } from './packet.ts';

export interface TraceStep {
  readonly table: Table;
  /** The built-in chain whose traversal visited this rule (PREROUTING, OUTPUT, ...). */
  readonly hook: string;
  readonly chain: string;
  /** 1-based position of the rule in its chain. */
  readonly index: number;
  /** The rule as iptables-save would print it: `-A CHAIN ...`. */
  readonly rule: string;
  readonly matched: boolean;
  /** `no match`, `jump X`, `RETURN`, `REDIRECT to port P; ...`, or why the rule was not understood. */
  readonly action: string;
  /** How many user chains deep the rule is (0 in the built-in chain). */
  readonly depth: number;
  /** Set when (part of) the rule was not understood and it was assumed not to match. */
  readonly unknown?: string;
}

export type HookEnd =
  /** Fell off the end of the built-in chain (or RETURNed from it): its policy applies. */
  | { readonly by: 'policy'; readonly policy: string; readonly afterReturn?: ReturnRef }
  /** A rule's terminating target ended this table's traversal (or all of them, for DROP). */
  | { readonly by: 'rule'; readonly rule: RuleRef; readonly target: string; readonly path: readonly string[] };

export interface RuleRef {
  readonly chain: string;
  readonly index: number;
}

/** The last RETURN that matched before a policy applied, with the chains leading to it. */
export interface ReturnRef extends RuleRef {
  readonly path: readonly string[];
}

export interface HookTrace {
  readonly table: Table;
  /** The built-in chain. */
  readonly chain: string;
  /** Why the chain was not traversed; undefined when it was. */
  readonly skipped?: string;
  /** How the traversal ended; undefined when skipped or never reached. */
  readonly end?: HookEnd;
  /** One-line outcome for display. */
  readonly outcome: string;
}

export type VerdictKind = 'redirect' | 'tproxy' | 'dnat' | 'accept' | 'drop';

export interface Verdict {
  readonly kind: VerdictKind;
  /** REDIRECT/TPROXY/DNAT: the port the packet is sent to. */
  readonly port?: number;
  /** TPROXY: the packet mark it sets. */
  readonly mark?: number;
  /** Where the decision was made (absent when no rule decided anything). */
  readonly table?: Table;
  readonly chain?: string;
  readonly index?: number;
  /** The chains from the built-in one down to the deciding rule. */
  readonly path?: readonly string[];
  /** Where the packet goes next. */
  readonly destination: { readonly address: string; readonly port: number };
  /** One line: what happened and where. */
  readonly summary: string;
}

export interface Trace {
  readonly packet: Packet;
  readonly hooks: readonly HookTrace[];
  readonly steps: readonly TraceStep[];
  readonly verdict: Verdict;
  /** Marks and zone after the walk. */
  readonly mark: number;
  readonly connmark: number;
  readonly zone: number | undefined;
  readonly notes: readonly string[];
}
