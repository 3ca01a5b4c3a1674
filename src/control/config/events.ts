/** The events a ConfigStore emits: what changed (keys, by kind), and what was refused. */
import type { ConfigIssue } from './issue.ts';
import type { Kind } from './kinds.ts';
import type { ResourceKey } from './resource.ts';

export interface ConfigChange {
  /** The store's version after the change (it increases by one per change event). */
  readonly version: number;
  /** Every key created, updated or deleted. */
  readonly changed: ReadonlySet<ResourceKey>;
  readonly created: readonly ResourceKey[];
  readonly updated: readonly ResourceKey[];
  readonly deleted: readonly ResourceKey[];
  /** The kinds changed; `Secret` when a gateway credential Secret changed. */
  readonly kinds: ReadonlySet<Kind | 'Secret'>;
  /** `namespace/name` of each Secret created, updated or deleted. */
  readonly secrets: ReadonlySet<string>;
}

export interface ConfigRejection {
  /** What was wrong (errors, and the warnings that came with them). */
  readonly issues: readonly ConfigIssue[];
  /** Resources whose new version was refused; their last valid version stays in the store. */
  readonly kept: readonly ResourceKey[];
}

export interface ConfigStoreEvents {
  readonly change: ConfigChange;
  readonly rejected: ConfigRejection;
}
