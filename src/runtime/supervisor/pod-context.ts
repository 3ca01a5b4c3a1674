/** What a pod's containers share: where the pod lives, its policy, and how to report changes. */
import type { Logger } from '../../core/log.ts';
import type { RestartPolicy } from '../model/objects.ts';
import type { PodFacts } from '../plan/env.ts';

export interface PodContext {
  readonly namespace: string;
  readonly podName: string;
  readonly nodeNetns: string;
  readonly podNetns: string;
  readonly podIP: string;
  /** pods/<namespace>/<pod> in the state directory. */
  readonly logDir: string;
  readonly restartPolicy: RestartPolicy;
  readonly backoffBaseMs: number;
  readonly terminationGraceMs: number;
  readonly facts: PodFacts;
  readonly log: Logger;
  /** Called after any status change (the supervisor re-syncs endpoints and the registry). */
  changed(): void;
}
