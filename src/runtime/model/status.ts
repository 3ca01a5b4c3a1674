/** Runtime status of containers, in Kubernetes' terms (state, lastState, restartCount, ready). */

export type ContainerState =
  | { readonly kind: 'waiting'; readonly reason: string; readonly message?: string }
  | { readonly kind: 'running'; readonly startedAt: string }
  | {
    readonly kind: 'terminated'; readonly exitCode: number; readonly signal?: string; readonly reason: string;
    readonly message?: string; readonly startedAt: string; readonly finishedAt: string;
  };

export interface ContainerStatus {
  readonly name: string;
  state: ContainerState;
  lastState?: ContainerState;
  ready: boolean;
  started: boolean;
  restartCount: number;
  /** The last probe failure or start problem, for `mizzen up` to report. */
  lastMessage?: string;
  pid?: number;
}
