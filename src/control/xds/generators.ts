/**
 * The generator sets, one per kind of proxy (Istio picks by the GENERATOR node metadata and the
 * node type): the sidecar set (Envoy-style listeners and port-named routes), the gateway set for
 * proxies of type router (bound listeners per Gateway server port, `http.<port>` routes), and
 * the proxyless gRPC set (api_listeners and `<host>:<port>` routes). CDS and EDS share their builders.
 * Gateways also get SDS: their credentialName certificates (sds/secret-generator.ts).
 */
import type { Proxy } from '../model/proxy.ts';
import { cdsGenerator, grpcCdsGenerator } from './cds/cluster-generator.ts';
import { gatewayCdsGenerator } from './cds/gateway-clusters.ts';
import { edsGenerator } from './eds/endpoint-generator.ts';
import type { Generator, GeneratorSet } from './generator.ts';
import { grpcLdsGenerator } from './grpc/grpc-listener-generator.ts';
import { grpcRdsGenerator } from './grpc/grpc-route-generator.ts';
import { gatewayLdsGenerator } from './lds/gateway-listeners.ts';
import { ldsGenerator } from './lds/listener-generator.ts';
import { gatewayRdsGenerator } from './rds/gateway-routes.ts';
import { rdsGenerator } from './rds/route-generator.ts';
import { sdsGenerator } from './sds/secret-generator.ts';

const set = (flavour: GeneratorSet['flavour'], gens: readonly Generator[]): GeneratorSet =>
  Object.freeze({ flavour, generators: new Map(gens.map((g) => [g.typeUrl, g])) });

export const SIDECAR_GENERATORS: GeneratorSet = set('sidecar', [cdsGenerator, edsGenerator, ldsGenerator, rdsGenerator]);
export const GRPC_GENERATORS: GeneratorSet = set('grpc', [grpcCdsGenerator, edsGenerator, grpcLdsGenerator, grpcRdsGenerator]);

export const GATEWAY_GENERATORS: GeneratorSet = set('sidecar', [gatewayCdsGenerator, edsGenerator, gatewayLdsGenerator, gatewayRdsGenerator, sdsGenerator]);

export function generatorsFor(proxy: Pick<Proxy, 'generator' | 'type'>): GeneratorSet {
  if (proxy.generator === 'grpc') return GRPC_GENERATORS;
  return proxy.type === 'router' ? GATEWAY_GENERATORS : SIDECAR_GENERATORS;
}
