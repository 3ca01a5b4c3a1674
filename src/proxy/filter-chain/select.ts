/**
 * Envoy's filter chain matching. The criteria narrow in Envoy's FilterChainMatch order, each
 * keeping the most specific chains that match, without backtracking: destination port,
 * destination IP (longest prefix), server names (the SNI: exact, then the longest wildcard
 * `*.x.com`, then chains without server names), transport protocol (`raw_buffer` or `tls` as
 * inspected, then chains with none), application protocols (the connection's protocols in
 * order, the first that some chain lists; then chains with none), source type, source IP
 * (longest prefix), source port. Then the listener's default filter chain, if any. Without an
 * inspection the connection is raw_buffer with no SNI and no application protocols.
 */
import { prefixContains, type Prefix } from '../../interception/cidr.ts';
import { normalizeIp, type Address } from '../core/address.ts';
import { NO_INSPECTION, type Inspection } from '../listener/filters/inspect.ts';
import type { FilterChainConfig } from './filter-chain-config.ts';

type Score = (c: FilterChainConfig) => number | undefined;

/** Keeps the chains with the highest score; undefined scores do not match. */
function best(chains: readonly FilterChainConfig[], score: Score): FilterChainConfig[] {
  let top = -Infinity;
  let out: FilterChainConfig[] = [];
  for (const c of chains) {
    const s = score(c);
    if (s === undefined || s < top) continue;
    if (s > top) {
      top = s;
      out = [];
    }
    out.push(c);
  }
  return out;
}

/** The longest matching prefix length; -1 for "any" (no ranges); undefined when ranges exist and none match. */
function prefixScore(ranges: readonly Prefix[], ip: string): number | undefined {
  if (ranges.length === 0) return -1;
  let len: number | undefined;
  for (const p of ranges) if (prefixContains(p, ip) && (len === undefined || p.bits > len)) len = p.bits;
  return len;
}

const EXACT = Number.MAX_SAFE_INTEGER;

/** Exact SNI beats any wildcard; a longer wildcard suffix beats a shorter one; no server names is the catch-all. */
export function serverNameScore(names: readonly string[], sni: string): number | undefined {
  if (names.length === 0) return 0;
  if (sni === '') return undefined;
  const host = sni.toLowerCase();
  let score: number | undefined;
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (name === host) return EXACT;
    if (name.startsWith('*.') && host.length > name.length - 1 && host.endsWith(name.slice(1))) {
      score = Math.max(score ?? 0, name.length);
    }
  }
  return score;
}

/** The earliest of the connection's protocols a chain lists wins; chains listing none are the fallback. */
function applicationProtocolScore(listed: readonly string[], protocols: readonly string[]): number | undefined {
  if (listed.length === 0) return 0;
  const i = protocols.findIndex((p) => listed.includes(p));
  return i < 0 ? undefined : protocols.length - i;
}

const isLoopback = (ip: string): boolean => ip.startsWith('127.') || ip === '::1';

/** The first two steps, which need no inspection: destination port, then destination IP. */
export function destinationSteps(destination: Address): readonly Score[] {
  const dstIp = normalizeIp(destination.ip);
  return [
    (c) => (c.match.destinationPort === undefined ? 0 : c.match.destinationPort === destination.port ? 1 : undefined),
    (c) => prefixScore(c.match.prefixRanges, dstIp),
  ];
}

/** The chains left after the destination steps: the ones an inspection could still decide between. */
export function chainsForDestination(chains: readonly FilterChainConfig[], destination: Address): readonly FilterChainConfig[] {
  let left = chains;
  for (const step of destinationSteps(destination)) left = best(left, step);
  return left;
}

export function selectFilterChain(
  chains: readonly FilterChainConfig[],
  fallback: FilterChainConfig | undefined,
  destination: Address,
  source: Address | undefined,
  inspection: Inspection = NO_INSPECTION,
): FilterChainConfig | undefined {
  const dstIp = normalizeIp(destination.ip);
  const srcIp = source ? normalizeIp(source.ip) : '';
  const local = source !== undefined && (srcIp === dstIp || isLoopback(srcIp));
  const transport = inspection.transportProtocol;
  const steps: Score[] = [
    ...destinationSteps(destination),
    (c) => serverNameScore(c.match.serverNames, inspection.serverName),
    (c) => (c.match.transportProtocol === transport ? 1 : c.match.transportProtocol === '' ? 0 : undefined),
    (c) => applicationProtocolScore(c.match.applicationProtocols, inspection.applicationProtocols),
    (c) => {
      const t = c.match.sourceType;
      if (t === 'ANY') return 0;
      return (t === 'SAME_IP_OR_LOOPBACK') === local ? 1 : undefined;
    },
    (c) => (source ? prefixScore(c.match.sourcePrefixRanges, srcIp) : c.match.sourcePrefixRanges.length === 0 ? -1 : undefined),
    (c) => (c.match.sourcePorts.length === 0 ? 0 : source && c.match.sourcePorts.includes(source.port) ? 1 : undefined),
  ];
  let left: readonly FilterChainConfig[] = chains;
  for (const step of steps) {
    left = best(left, step);
    if (left.length === 0) return fallback;
  }
  return left[0] ?? fallback;
}
