/** The rule shared by security policies: select workloads by `selector` or by `targetRef(s)`, not both. */
import type { Path, Reporter } from '../schema/schema.ts';
import type { PolicyTargetReference, WorkloadSelector } from '../types/workload-selector.ts';

interface Selecting {
  readonly selector?: WorkloadSelector;
  readonly targetRef?: PolicyTargetReference;
  readonly targetRefs?: readonly PolicyTargetReference[];
}

export function oneSelectorType(p: Selecting, path: Path, r: Reporter): void {
  const set = [p.selector && 'selector', p.targetRef && 'targetRef', p.targetRefs?.length && 'targetRefs'].filter(Boolean);
  if (set.length > 1) r.error(path, undefined, `only one of selector, targetRef or targetRefs can be set (found ${set.join(', ')})`);
}
