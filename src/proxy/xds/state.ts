/**
 * The client's xDS state, one entry per type in Envoy's push order (CDS, EDS, LDS, RDS): the
 * translator, the subscription on the stream and the accepted resources.
 */
import type { ClusterSpec } from '../cluster/cluster-config.ts';
import type { EndpointAssignment } from '../endpoint/endpoint-config.ts';
import type { ListenerConfig } from '../listener/listener-config.ts';
import type { RouteConfig } from '../route/route-config.ts';
import { AcceptedResources } from './accepted.ts';
import { Subscription } from './subscription.ts';
import type { Translator } from './translate/translator.ts';
import { clusterTranslator, endpointTranslator, listenerTranslator, routeTranslator } from './translate/translators.ts';

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
}

export type TypeKey = keyof XdsState;

export const typeKeys: readonly TypeKey[] = ['cds', 'eds', 'lds', 'rds'];

function typeState<T>(translator: Translator<T>): TypeState<T> {
  return { translator, sub: new Subscription(translator.typeUrl, translator.wildcard), accepted: new AcceptedResources<T>() };
}

export function newXdsState(): XdsState {
  return { cds: typeState(clusterTranslator), eds: typeState(endpointTranslator), lds: typeState(listenerTranslator), rds: typeState(routeTranslator) };
}

export function keyOf(state: XdsState, typeUrl: string): TypeKey | undefined {
  return typeKeys.find((k) => state[k].translator.typeUrl === typeUrl);
}
