/**
 * The translators (Translator, translator.ts): Cluster, ClusterLoadAssignment, Listener,
 * RouteConfiguration, and Secret (SDS). Everything a translator returns is deeply frozen; every refusal names
 * the resource and field.
 */
import { TypeUrls } from '../../../core/xds/type-urls.ts';
import type { ClusterSpec } from '../../cluster/cluster-config.ts';
import type { EndpointAssignment } from '../../endpoint/endpoint-config.ts';
import type { ListenerConfig } from '../../listener/listener-config.ts';
import type { RouteConfig } from '../../route/route-config.ts';
import { translateCluster } from './cluster.ts';
import { translateAssignment } from './endpoint.ts';
import { At, str, type Obj } from './fields.ts';
import { translateListener } from './listener.ts';
import { translateRouteConfiguration } from './route-configuration.ts';
import { translateSecret, type SecretConfig } from './secret.ts';
import type { Translator } from './translator.ts';

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}

function translator<T>(t: Translator<T>): Translator<T> {
  return { ...t, translate: (json) => deepFreeze(t.translate(json)) } satisfies Translator<T>;
}

const field = (key: string, kind: string) => (json: Obj): string => str(json[key], new At(kind, key));

export const clusterTranslator = translator<ClusterSpec>({
  typeUrl: TypeUrls.cluster, short: 'CDS', kind: 'Cluster', wildcard: true, nameOf: field('name', 'Cluster'), translate: translateCluster,
});

export const endpointTranslator = translator<EndpointAssignment>({
  typeUrl: TypeUrls.clusterLoadAssignment, short: 'EDS', kind: 'ClusterLoadAssignment', wildcard: false,
  nameOf: field('clusterName', 'ClusterLoadAssignment'),
  translate: (json) => {
    const name = str(json['clusterName'], new At('ClusterLoadAssignment', 'clusterName'), true);
    return translateAssignment(json, new At(`ClusterLoadAssignment ${name}`));
  },
});

export const listenerTranslator = translator<ListenerConfig>({
  typeUrl: TypeUrls.listener, short: 'LDS', kind: 'Listener', wildcard: true, nameOf: field('name', 'Listener'), translate: translateListener,
});

export const routeTranslator = translator<RouteConfig>({
  typeUrl: TypeUrls.routeConfiguration, short: 'RDS', kind: 'RouteConfiguration', wildcard: false,
  nameOf: field('name', 'RouteConfiguration'), translate: (json) => translateRouteConfiguration(json),
});

export const secretTranslator = translator<SecretConfig>({
  typeUrl: TypeUrls.secret, short: 'SDS', kind: 'Secret', wildcard: false, nameOf: field('name', 'Secret'), translate: translateSecret,
});
