/**
 * Outbound CIDR lists split by family, as istio-iptables' separateV4V6 does: `*` is a wildcard
 * for both families, and a loopback prefix in the list is remembered (it changes the lo rules).
 * Values were validated at the edge (validate.ts), so unparsable items cannot reach here.
 */
import { isLoopback, parsePrefix, prefixString } from './cidr.ts';
import { splitList } from './config.ts';

export interface NetworkRange {
  readonly wildcard: boolean;
  readonly cidrs: readonly string[];
  readonly hasLoopback: boolean;
}

export function separateRanges(list: string): { v4: NetworkRange; v6: NetworkRange } {
  if (list === '*') {
    const all = { wildcard: true, cidrs: [], hasLoopback: false };
    return { v4: all, v6: all };
  }
  const v4: string[] = [];
  const v6: string[] = [];
  let lo4 = false;
  let lo6 = false;
  for (const item of splitList(list)) {
    const p = parsePrefix(item);
    if (!p) continue;
    if (p.family === 4) {
      v4.push(prefixString(p));
      lo4 ||= isLoopback(p);
    } else {
      v6.push(prefixString(p));
      lo6 ||= isLoopback(p);
    }
  }
  return {
    v4: { wildcard: false, cidrs: v4, hasLoopback: lo4 },
    v6: { wildcard: false, cidrs: v6, hasLoopback: lo6 },
  };
}
