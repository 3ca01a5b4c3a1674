/** VirtualService (networking.istio.io v1, v1beta1, v1alpha3): routing rules for a set of hosts. */
import type { HTTPRoute } from './http-route.ts';
import type { TCPRoute, TLSRoute } from './l4-route.ts';

export interface VirtualService {
  /** Hosts the rules apply to; empty only in a delegate VirtualService. */
  readonly hosts?: readonly string[];
  /** Gateways (`name`, `namespace/name`) and/or `mesh`; absent means the mesh (sidecars). */
  readonly gateways?: readonly string[];
  readonly http?: readonly HTTPRoute[];
  readonly tls?: readonly TLSRoute[];
  readonly tcp?: readonly TCPRoute[];
  /** Namespaces that see this VirtualService: `.`, `*` or names. */
  readonly exportTo?: readonly string[];
}
