/** Every destination a VirtualService sends traffic to (routes and mirrors), with its field path. */
import type { Destination } from '../types/destination.ts';
import type { VirtualService } from '../types/virtual-service.ts';
import type { Path } from '../schema/schema.ts';

export interface RouteDestination {
  readonly destination: Destination;
  readonly path: Path;
  readonly mirror: boolean;
}

export function routeDestinations(vs: VirtualService): RouteDestination[] {
  const out: RouteDestination[] = [];
  vs.http?.forEach((h, i) => {
    h.route?.forEach((d, j) => out.push({ destination: d.destination, path: ['spec', 'http', i, 'route', j, 'destination', 'host'], mirror: false }));
    if (h.mirror) out.push({ destination: h.mirror, path: ['spec', 'http', i, 'mirror', 'host'], mirror: true });
    h.mirrors?.forEach((m, j) => out.push({ destination: m.destination, path: ['spec', 'http', i, 'mirrors', j, 'destination', 'host'], mirror: true }));
  });
  for (const proto of ['tcp', 'tls'] as const) {
    vs[proto]?.forEach((t, i) => t.route?.forEach((d, j) =>
      out.push({ destination: d.destination, path: ['spec', proto, i, 'route', j, 'destination', 'host'], mirror: false })));
  }
  return out;
}

/** Gateway references of a VirtualService (`spec.gateways` and match-level gateways), resolved to namespace/name. */
export interface GatewayRef {
  readonly ref: string;
  /** `namespace/name` */
  readonly key: string;
  readonly path: Path;
  /** From `spec.gateways` (not from a match). */
  readonly binding: boolean;
}

export function gatewayRefs(vs: VirtualService, namespace: string): GatewayRef[] {
  const out: GatewayRef[] = [];
  const add = (ref: string, path: Path): void => {
    if (ref !== 'mesh') out.push({ ref, key: resolveGateway(ref, namespace), path, binding: path.length === 3 });
  };
  vs.gateways?.forEach((g, i) => add(g, ['spec', 'gateways', i]));
  vs.http?.forEach((h, i) => h.match?.forEach((m, j) => m.gateways?.forEach((g, k) => add(g, ['spec', 'http', i, 'match', j, 'gateways', k]))));
  for (const proto of ['tcp', 'tls'] as const) {
    vs[proto]?.forEach((t, i) => t.match?.forEach((m, j) => m.gateways?.forEach((g, k) => add(g, ['spec', proto, i, 'match', j, 'gateways', k]))));
  }
  return out;
}

/** `name` -> `<ns>/name`; `ns/name` as is; legacy `name.ns` -> `ns/name`. */
export function resolveGateway(ref: string, namespace: string): string {
  if (ref.includes('/')) return ref;
  const dot = ref.indexOf('.');
  return dot < 0 ? `${namespace}/${ref}` : `${ref.slice(dot + 1).split('.')[0] ?? ''}/${ref.slice(0, dot)}`;
}
