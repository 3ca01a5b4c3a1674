/**
 * Who sees what: `exportTo` (`*` everyone, `.` the owner's namespace, `~` no one, or namespace
 * names; absent or empty means everyone) and host patterns (`*`, `*.suffix`, exact), as Istio
 * scopes services and config. (`~` alone is Istio's "none"; Istio rejects it beside others.)
 */
import { hostSubsetOf } from '../config/hosts.ts';

export function exportedTo(exportTo: readonly string[] | undefined, ownerNamespace: string, namespace: string): boolean {
  if (!exportTo || exportTo.length === 0) return true;
  if (exportTo.includes('~')) return false;
  return exportTo.some((e) => e === '*' || e === namespace || (e === '.' && ownerNamespace === namespace));
}

/** Whether the concrete `hostname` is matched by `pattern`. */
export const hostMatches = (hostname: string, pattern: string): boolean => hostSubsetOf(hostname, pattern);

/** How specific a pattern is for ranking matches: exact names first, then longer wildcards. */
export const specificity = (pattern: string): number => (pattern.includes('*') ? pattern.length : 10_000);
