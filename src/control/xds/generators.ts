/**
 * The generator sets, one per proxy flavour (Istio picks by the GENERATOR node metadata): the
 * sidecar set (Envoy-style listeners and port-named routes) and the proxyless gRPC set
 * (api_listeners and `<host>:<port>` routes). CDS and EDS share their builders.
 */
import type { GeneratorFlavour } from '../model/proxy.ts';
import { cdsGenerator, grpcCdsGenerator } from './cds/cluster-generator.ts';
import { edsGenerator } from './eds/endpoint-generator.ts';
import type { Generator, GeneratorSet } from './generator.ts';
import { grpcLdsGenerator } from './grpc/grpc-listener-generator.ts';
import { grpcRdsGenerator } from './grpc/grpc-route-generator.ts';
import { ldsGenerator } from './lds/listener-generator.ts';
import { rdsGenerator } from './rds/route-generator.ts';

const set = (flavour: GeneratorFlavour, gens: readonly Generator[]): GeneratorSet =>
  Object.freeze({ flavour, generators: new Map(gens.map((g) => [g.typeUrl, g])) });

export const SIDECAR_GENERATORS: GeneratorSet = set('sidecar', [cdsGenerator, edsGenerator, ldsGenerator, rdsGenerator]);
export const GRPC_GENERATORS: GeneratorSet = set('grpc', [grpcCdsGenerator, edsGenerator, grpcLdsGenerator, grpcRdsGenerator]);

export function generatorsFor(flavour: GeneratorFlavour): GeneratorSet {
  return flavour === 'grpc' ? GRPC_GENERATORS : SIDECAR_GENERATORS;
}
