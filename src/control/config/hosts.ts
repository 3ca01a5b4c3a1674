/**
 * Host names the way Istio compares them: short names expand in the resource's namespace
 * ("reviews" in default -> reviews.default.svc.cluster.local), and `*` / `*.suffix` wildcards
 * match any name under them. Case-insensitive.
 */

export const CLUSTER_DOMAIN = 'cluster.local';

/** "reviews" -> "reviews.<ns>.svc.cluster.local"; names with a dot and wildcards are kept. */
export function toFqdn(host: string, namespace: string, domain = CLUSTER_DOMAIN): string {
  const h = host.toLowerCase();
  return h.includes('.') || h.includes('*') ? h : `${h}.${namespace}.svc.${domain}`;
}

/** Whether every name `a` stands for is also matched by `b`. */
export function hostSubsetOf(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (y === '*') return true;
  if (x === '*') return false;
  if (y.startsWith('*.')) return x.endsWith(y.slice(1));
  return x === y;
}

/** Whether two host patterns match at least one name in common. */
export const hostsOverlap = (a: string, b: string): boolean => hostSubsetOf(a, b) || hostSubsetOf(b, a);
