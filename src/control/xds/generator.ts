/**
 * Generator: builds one xDS type's resources for one proxy from one push context (Istio's
 * model.XdsResourceGenerator). Resources are proto3 JSON, as Envoy's config_dump prints them;
 * the server encodes them into Anys. `names` is the subscription: undefined for a wildcard
 * subscription (everything the proxy should have), else only those names (unknown names are
 * left out). Generators are pure and never throw for valid input.
 */
import type { PushContext } from '../model/push-context.ts';
import type { GeneratorFlavour, Proxy } from '../model/proxy.ts';

export type Json = Record<string, unknown>;

export interface XdsResource {
  readonly name: string;
  readonly resource: Json;
}

export interface Generator {
  readonly typeUrl: string;
  generate(proxy: Proxy, push: PushContext, names?: readonly string[]): readonly XdsResource[];
}

/** The generators serving one flavour of proxy, by type URL. */
export interface GeneratorSet {
  readonly flavour: GeneratorFlavour;
  readonly generators: ReadonlyMap<string, Generator>;
}

/** Keeps only the subscribed names (all of them for a wildcard subscription). */
export function filterNames<T extends { name: string }>(items: readonly T[], names: readonly string[] | undefined): T[] {
  if (names === undefined) return [...items];
  const wanted = new Set(names);
  return items.filter((i) => wanted.has(i.name));
}
