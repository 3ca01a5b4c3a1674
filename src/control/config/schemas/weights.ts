/**
 * The weight rule shared by HTTP, TCP and TLS routes: with more than one destination, the
 * weights must add up to 100 (a missing weight counts as 0). A single destination takes all
 * the traffic whatever its weight says.
 */
import type { Path, Reporter } from '../schema/schema.ts';

export function checkWeights(route: readonly { readonly weight?: number }[] | undefined, path: Path, r: Reporter): void {
  if (!route || route.length < 2) return;
  const weights = route.map((d) => d.weight ?? 0);
  const total = weights.reduce((a, b) => a + b, 0);
  if (total !== 100) {
    r.error(path, weights, `the weights of the ${route.length} destinations must sum to 100, they sum to ${total}`);
  }
}
