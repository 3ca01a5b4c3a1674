/**
 * Envoy's filter chain matching, for a plain TCP connection (no TLS or HTTP inspection, so no
 * SNI, transport protocol "raw_buffer", no application protocols). The criteria narrow in
 * Envoy's order, each keeping the most specific chains that match, without backtracking:
 * destination port, destination IP (longest prefix), server names, transport protocol,
 * application protocols, source type, source IP (longest prefix), source port. Then the
 * listener's default filter chain, if any.
 */
import { prefixContains, type Prefix } from '../../interception/cidr.ts';
import { normalizeIp, type Address } from '../core/address.ts';
import type { FilterChainConfig } from './filter-chain-config.ts';

/** Keeps the chains with the highest score; undefined scores do not match. */
function best(chains: readonly FilterChainConfig[], score: (c: FilterChainConfig) => number | undefined): FilterChainConfig[] {
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

const isLoopback = (ip: string): boolean => ip.startsWith('127.') || ip === '::1';

export function selectFilterChain(
  chains: readonly FilterChainConfig[],
  fallback: FilterChainConfig | undefined,
  destination: Address,
  source: Address | undefined,
): FilterChainConfig | undefined {
  const dstIp = normalizeIp(destination.ip);
  const srcIp = source ? normalizeIp(source.ip) : '';
  const local = source !== undefined && (srcIp === dstIp || isLoopback(srcIp));
  const steps: ((c: FilterChainConfig) => number | undefined)[] = [
    (c) => (c.match.destinationPort === undefined ? 0 : c.match.destinationPort === destination.port ? 1 : undefined),
    (c) => prefixScore(c.match.prefixRanges, dstIp),
    (c) => (c.match.serverNames.length === 0 ? 0 : undefined),
    (c) => (c.match.transportProtocol === 'raw_buffer' ? 1 : c.match.transportProtocol === '' ? 0 : undefined),
    (c) => (c.match.applicationProtocols.length === 0 ? 0 : undefined),
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
