/**
 * The match extensions the tracer understands (`-m NAME` and the implicit tcp/udp of `-p`), each
 * option with its number of arguments and how it becomes a Match. Options of other extensions
 * are unknown: the rule they are in is reported, not guessed.
 */
import { parseAddressOrPrefix } from '../cidr.ts';
import type { Match } from './match.ts';
import { parseMark, parseOwnerId, parsePortList, parsePortRange } from './values.ts';

/** A built match, nothing (an option that never affects matching), or why it is not understood. */
export type Built = Match | null | { readonly unknown: string };

export interface OptionDef {
  readonly arity: 0 | 1 | 2;
  build(args: readonly string[], neg: boolean, option: string): Built;
}

const unknown = (why: string): Built => ({ unknown: why });

const ignored: OptionDef = { arity: 1, build: () => null };
const ignoredFlag: OptionDef = { arity: 0, build: () => null };
const notModelled = (arity: 0 | 1 | 2): OptionDef => ({
  arity,
  build: (args, _neg, option) => unknown(`option ${[option, ...args].join(' ')} is not modelled`),
});

function port(which: 'src' | 'dst'): OptionDef {
  return {
    arity: 1,
    build: ([v = ''], neg, option) => {
      const r = parsePortRange(v);
      return r ? { kind: 'port', which, ranges: [r], neg } : unknown(`bad port ${JSON.stringify(v)} for ${option}`);
    },
  };
}

function ports(which: 'src' | 'dst' | 'either'): OptionDef {
  return {
    arity: 1,
    build: ([v = ''], neg, option) => {
      const ranges = parsePortList(v);
      return ranges ? { kind: 'port', which, ranges, neg } : unknown(`bad port list ${JSON.stringify(v)} for ${option}`);
    },
  };
}

function owner(which: 'uid' | 'gid'): OptionDef {
  return {
    arity: 1,
    build: ([v = ''], neg, option) => {
      const range = parseOwnerId(v, which === 'uid' ? 'user' : 'group');
      return range ? { kind: 'owner', which, range, neg } : unknown(`cannot resolve ${option} ${v}`);
    },
  };
}

function mark(which: 'packet' | 'conn'): OptionDef {
  return {
    arity: 1,
    build: ([v = ''], neg, option) => {
      const spec = parseMark(v);
      return spec ? { kind: 'mark', which, spec, neg } : unknown(`bad mark ${JSON.stringify(v)} for ${option}`);
    },
  };
}

const ctStates = new Set(['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED', 'SNAT', 'DNAT']);

const states: OptionDef = {
  arity: 1,
  build: ([v = ''], neg, option) => {
    const list = v.toUpperCase().split(',');
    const bad = list.find((s) => !ctStates.has(s));
    return bad === undefined ? { kind: 'ctstate', states: list, neg } : unknown(`unknown state ${bad} for ${option}`);
  },
};

const addrTypes = new Set(['UNSPEC', 'UNICAST', 'LOCAL', 'BROADCAST', 'ANYCAST', 'MULTICAST', 'BLACKHOLE', 'UNREACHABLE', 'PROHIBIT', 'THROW', 'NAT', 'XRESOLVE']);

function addrtype(which: 'src' | 'dst'): OptionDef {
  return {
    arity: 1,
    build: ([v = ''], neg, option) => {
      const list = v.toUpperCase().split(',');
      const bad = list.find((s) => !addrTypes.has(s));
      return bad === undefined ? { kind: 'addrtype', which, types: list, neg } : unknown(`unknown address type ${bad} for ${option}`);
    },
  };
}

const tcpUdp: Readonly<Record<string, OptionDef>> = {
  '--dport': port('dst'),
  '--destination-port': port('dst'),
  '--sport': port('src'),
  '--source-port': port('src'),
};

export const matchModules: Readonly<Record<string, Readonly<Record<string, OptionDef>>>> = {
  tcp: { ...tcpUdp, '--tcp-flags': notModelled(2), '--syn': notModelled(0), '--tcp-option': notModelled(1) },
  udp: tcpUdp,
  multiport: {
    '--dports': ports('dst'), '--destination-ports': ports('dst'),
    '--sports': ports('src'), '--source-ports': ports('src'),
    '--ports': ports('either'),
  },
  owner: {
    '--uid-owner': owner('uid'),
    '--gid-owner': owner('gid'),
    '--socket-exists': { arity: 0, build: (_a, neg) => ({ kind: 'socket', neg }) },
    // Supplementary groups widen --gid-owner; the traced socket has none.
    '--suppl-groups': ignoredFlag,
  },
  conntrack: { '--ctstate': states },
  state: { '--state': states },
  mark: { '--mark': mark('packet') },
  connmark: { '--mark': mark('conn') },
  comment: { '--comment': ignored },
  addrtype: {
    '--src-type': addrtype('src'),
    '--dst-type': addrtype('dst'),
    '--limit-iface-in': ignoredFlag,
    '--limit-iface-out': ignoredFlag,
  },
};

/** `-s`/`-d` values: an address, a prefix, or a comma list of them (any one matches). */
export function buildAddress(which: 'src' | 'dst', value: string, neg: boolean): Built {
  const prefixes = value.split(',').map((v) => parseAddressOrPrefix(v));
  if (prefixes.some((p) => p === undefined)) return unknown(`cannot parse address ${JSON.stringify(value)}`);
  return { kind: 'addr', which, prefixes: prefixes.filter((p) => p !== undefined), neg };
}
