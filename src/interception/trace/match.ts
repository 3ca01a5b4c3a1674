/**
 * Rule matches as data, and their evaluation against the packet as it is now. Every match can
 * carry iptables' `!`; a rule matches when all its matches hold. Socket-owner matches follow the
 * kernel: a packet without a local socket satisfies only the negated ones.
 */
import { prefixContains, type Prefix } from '../cidr.ts';
import type { Flow } from './flow.ts';
import { isLocalAddress } from './packet.ts';
import { inRanges, u32, type MarkSpec, type NumRange } from './values.ts';

export type Match =
  | { readonly kind: 'proto'; readonly proto: string; readonly neg: boolean }
  | { readonly kind: 'addr'; readonly which: 'src' | 'dst'; readonly prefixes: readonly Prefix[]; readonly neg: boolean }
  | { readonly kind: 'iface'; readonly which: 'in' | 'out'; readonly name: string; readonly neg: boolean }
  | { readonly kind: 'port'; readonly which: 'src' | 'dst' | 'either'; readonly ranges: readonly NumRange[]; readonly neg: boolean }
  | { readonly kind: 'owner'; readonly which: 'uid' | 'gid'; readonly range: NumRange; readonly neg: boolean }
  | { readonly kind: 'socket'; readonly neg: boolean }
  | { readonly kind: 'ctstate'; readonly states: readonly string[]; readonly neg: boolean }
  | { readonly kind: 'mark'; readonly which: 'packet' | 'conn'; readonly spec: MarkSpec; readonly neg: boolean }
  | { readonly kind: 'addrtype'; readonly which: 'src' | 'dst'; readonly types: readonly string[]; readonly neg: boolean }
  | { readonly kind: 'fragment'; readonly neg: boolean };

const protoNumbers: Readonly<Record<string, string>> = { '6': 'tcp', '17': 'udp', '0': 'all' };

export function normalizeProto(p: string): string {
  const l = p.toLowerCase();
  return protoNumbers[l] ?? l;
}

function ifaceMatches(pattern: string, name: string | undefined): boolean {
  if (pattern.endsWith('+')) return (name ?? '').startsWith(pattern.slice(0, -1));
  return name === pattern;
}

/** addrtype's view of an address (best effort: no routing table). */
function addressTypes(addr: string, flow: Flow, which: 'src' | 'dst'): string[] {
  const p = flow.packet;
  // Locally generated packets come from a local address; delivered ones go to one.
  const local = isLocalAddress(addr, p.localAddresses)
    || (which === 'src' && p.direction === 'outbound')
    || (which === 'dst' && p.direction === 'inbound');
  if (addr === '0.0.0.0' || addr === '::') return ['UNSPEC'];
  if (/^(22[4-9]|23\d)\./.test(addr) || /^ff/i.test(addr)) return ['MULTICAST'];
  if (addr === '255.255.255.255') return ['BROADCAST'];
  return local ? ['LOCAL'] : ['UNICAST'];
}

function holds(m: Match, flow: Flow): boolean {
  const p = flow.packet;
  switch (m.kind) {
    case 'proto':
      return m.proto === 'all' || m.proto === p.protocol;
    case 'addr':
      return m.prefixes.some((x) => prefixContains(x, m.which === 'src' ? flow.src : flow.dst));
    case 'iface':
      return ifaceMatches(m.name, m.which === 'in' ? flow.inInterface : flow.outInterface);
    case 'port': {
      if (m.which === 'src') return inRanges(flow.sport, m.ranges);
      if (m.which === 'dst') return inRanges(flow.dport, m.ranges);
      return inRanges(flow.sport, m.ranges) || inRanges(flow.dport, m.ranges);
    }
    case 'owner': {
      const id = m.which === 'uid' ? p.uid : p.gid;
      return id !== undefined && id >= m.range.lo && id <= m.range.hi;
    }
    case 'socket':
      return p.direction === 'outbound';
    case 'ctstate':
      return m.states.includes(p.state);
    case 'mark':
      return u32.and(m.which === 'packet' ? flow.mark : flow.connmark, m.spec.mask) === m.spec.value;
    case 'addrtype': {
      const types = addressTypes(m.which === 'src' ? flow.src : flow.dst, flow, m.which);
      return types.some((t) => m.types.includes(t));
    }
    case 'fragment':
      return false;
  }
}

/** Evaluates one match, `!` included. */
export function evaluate(m: Match, flow: Flow): boolean {
  // xt_owner: without a local socket, only a fully negated owner match holds.
  if ((m.kind === 'owner' || m.kind === 'socket') && flow.packet.direction !== 'outbound') return m.neg;
  return holds(m, flow) !== m.neg;
}
