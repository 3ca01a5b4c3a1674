/**
 * Smooth weighted round robin (nginx's): each pick adds every host's weight to its running
 * score, takes the highest score and subtracts the total from it. Over any window of
 * sum(weights) picks each host is chosen exactly weight times, interleaved rather than in
 * bursts, which is what Envoy's EDF scheduler also achieves. Weights may change between picks
 * (slow start, least request's active-request scaling). One instance per host set.
 */
export class SmoothWrr {
  private scores = new Float64Array(0);

  reset(n: number): void {
    this.scores = new Float64Array(n);
  }

  /** The index to pick; `weights[i]` is host i's current weight (> 0). */
  next(weights: Float64Array): number {
    const n = weights.length;
    if (this.scores.length !== n) this.reset(n);
    const s = this.scores;
    let total = 0;
    let best = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      s[i]! += w;
      total += w;
      if (s[i]! > s[best]!) best = i;
    }
    s[best]! -= total;
    return best;
  }
}
