/**
 * The client's xDS state, one entry per type in Envoy's push order (CDS, EDS, LDS, RDS, then
 * SDS): the translator, the subscription on the stream and the accepted resources; and the
 * listeners waiting (warming) for an SDS secret, by name, as LDS last sent them.
 */
import type { ClusterSpec } from '../cluster/cluster-config.ts';
import type { EndpointAssignment } from '../endpoint/endpoint-config.ts';
import type { ListenerConfig } from '../listener/listener-config.ts';
import type { RouteConfig } from '../route/route-config.ts';
import type { Obj } from './translate/fields.ts';
import type { SecretConfig } from './translate/secret.ts';
import { AcceptedResources } from './accepted.ts';
import { Subscription } from './subscription.ts';
import type { Translator } from './translate/translator.ts';
import { clusterTranslator, endpointTranslator, listenerTranslator, routeTranslator, secretTranslator } from './translate/translators.ts';

export interface TypeState<T> {
  readonly translator: Translator<T>;
  readonly sub: Subscription;
  readonly accepted: AcceptedResources<T>;
}

export interface XdsState {
  readonly cds: TypeState<ClusterSpec>;
  readonly eds: TypeState<EndpointAssignment>;
  readonly lds: TypeState<ListenerConfig>;
  readonly rds: TypeState<RouteConfig>;
  readonly sds: TypeState<SecretConfig>;
  /** Listeners LDS sent whose every chain waits for an SDS secret (not in force yet, or their older version is). */
  warming: ReadonlyMap<string, Obj>;
}

export type TypeKey = 'cds' | 'eds' | 'lds' | 'rds' | 'sds';

export const typeKeys: readonly TypeKey[] = ['cds', 'eds', 'lds', 'rds', 'sds'];

function typeState<T>(translator: Translator<T>): TypeState<T> {
  return { translator, sub: new Subscription(translator.typeUrl, translator.wildcard), accepted: new AcceptedResources<T>() };
}

export function newXdsState(): XdsState {
  return {
    cds: typeState(clusterTranslator), eds: typeState(endpointTranslator), lds: typeState(listenerTranslator), rds: typeState(routeTranslator),
    sds: typeState(secretTranslator), warming: new Map(),
  };
}

export function keyOf(state: XdsState, typeUrl: string): TypeKey | undefined {
  return typeKeys.find((k) => state[k].translator.typeUrl === typeUrl);
}
