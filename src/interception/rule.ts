/**
 * One iptables rule as the builder records it: the table, the chain, and the parameters as
 * istio-iptables writes them (`-A CHAIN ...` or `-I CHAIN POS ...`). Pure data.
 */

export type Family = 'ipv4' | 'ipv6';

export const Tables = ['filter', 'mangle', 'nat', 'raw'] as const;
export type Table = (typeof Tables)[number];

export interface BuiltRule {
  readonly table: Table;
  readonly chain: string;
  /** Starts with `-A CHAIN` or `-I CHAIN POS`. */
  readonly params: readonly string[];
}

/** The rules for both families, in the order the generator produced them. */
export interface RulePlan {
  readonly ipv4: readonly BuiltRule[];
  readonly ipv6: readonly BuiltRule[];
}

export const BuiltinChains: ReadonlySet<string> = new Set(['INPUT', 'OUTPUT', 'FORWARD', 'PREROUTING', 'POSTROUTING']);

/** Targets that are not chains; a `-j` to one of them never creates a chain. */
export const BuiltinTargets: ReadonlySet<string> = new Set([
  'ACCEPT', 'DROP', 'RETURN', 'REJECT', 'REDIRECT', 'TPROXY', 'MARK', 'CONNMARK', 'CT', 'DNAT', 'SNAT',
  'MASQUERADE', 'LOG', 'NFLOG', 'NOTRACK', 'TRACE',
]);

/** Prefix of every chain Mizzen (like Istio) owns. */
export const ChainPrefix = 'ISTIO_';

export function isOwnChain(chain: string): boolean {
  return chain.startsWith(ChainPrefix);
}
