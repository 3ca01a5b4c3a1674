/** One schema per kind: the single place that ties a kind to its spec validation. */
import type { Kind, SpecByKind } from '../kinds.ts';
import type { Schema } from '../schema/schema.ts';
import { authorizationPolicy } from './authorization-policy.ts';
import { destinationRule } from './destination-rule.ts';
import { gateway } from './gateway.ts';
import { peerAuthentication } from './peer-authentication.ts';
import { requestAuthentication } from './request-authentication.ts';
import { serviceEntry } from './service-entry.ts';
import { sidecar } from './sidecar.ts';
import { virtualService } from './virtual-service.ts';
import { workloadEntry } from './workload-entry.ts';

export const SPEC_SCHEMAS: { readonly [K in Kind]: Schema<SpecByKind[K]> } = {
  VirtualService: virtualService,
  DestinationRule: destinationRule,
  Gateway: gateway,
  ServiceEntry: serviceEntry,
  Sidecar: sidecar,
  WorkloadEntry: workloadEntry,
  PeerAuthentication: peerAuthentication,
  AuthorizationPolicy: authorizationPolicy,
  RequestAuthentication: requestAuthentication,
};
