/**
 * LDS for proxyless gRPC (Istio's grpcgen): by name only, one Listener per requested
 * `<host>:<port>`, holding an api_listener whose HCM takes routes by RDS over ADS (route config
 * `<fqdn>:<port>`) and runs the fault filter then the router (last, as gRPC requires).
 */
import { TypeUrls } from '../../../core/xds/type-urls.ts';
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { Generator, XdsResource } from '../generator.ts';
import { FAULT_FILTER, ROUTER_FILTER } from '../lds/network-filters.ts';
import { ADS_CONFIG_SOURCE, ExtensionTypes } from '../type-config.ts';
import { resolveGrpcTarget } from './grpc-names.ts';

export function generateGrpcListeners(proxy: Proxy, push: PushContext, names?: readonly string[]): XdsResource[] {
  const wanted = names ?? push.sidecarScope(proxy).services.flatMap((s) => s.ports.map((p) => `${s.hostname}:${p.port}`));
  const out: XdsResource[] = [];
  for (const name of new Set(wanted)) {
    const target = resolveGrpcTarget(name, proxy, push);
    if (!target) continue;
    out.push({
      name,
      resource: {
        name,
        apiListener: {
          apiListener: {
            '@type': ExtensionTypes.httpConnectionManager,
            rds: { configSource: ADS_CONFIG_SOURCE, routeConfigName: target.fqdnName },
            httpFilters: [FAULT_FILTER, ROUTER_FILTER],
          },
        },
      },
    });
  }
  return out;
}

export const grpcLdsGenerator = { typeUrl: TypeUrls.listener, generate: generateGrpcListeners } satisfies Generator;
