/**
 * The proxy's bootstrap, as pilot-agent writes Envoy's: the node it identifies itself with to
 * the control plane, and the whole envoy.config.bootstrap.v3.Bootstrap in proto3 JSON (admin
 * shows it in /config_dump and /server_info).
 */
import type { Node } from '../../core/xds/ads-service.ts';

export interface ProxyBootstrap {
  readonly node: Node;
  readonly config: Readonly<Record<string, unknown>>;
}
