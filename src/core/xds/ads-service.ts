/**
 * The gRPC service definition of envoy.service.discovery.v3.AggregatedDiscoveryService (state
 * of the world and delta), for @grpc/grpc-js servers and clients, with (de)serialisers built
 * from the Envoy descriptor; and the same codecs alone, for the sidecar's own gRPC client.
 * Messages are plain objects in protobufjs' shape (camelCase fields, `resources` as Any with
 * typeUrl and value bytes).
 */
import type { ServiceDefinition } from '@grpc/grpc-js';
import { decodeMessage, encodeMessage } from './json.ts';
import { messageType } from './protos.ts';

const SERVICE = '/envoy.service.discovery.v3.AggregatedDiscoveryService';

export interface Any {
  typeUrl: string;
  value: Uint8Array;
}

export interface Node {
  id?: string;
  cluster?: string;
  metadata?: Record<string, unknown>;
  locality?: { region?: string; zone?: string; subZone?: string };
  userAgentName?: string;
  userAgentVersion?: string;
}

export interface DiscoveryRequest {
  versionInfo?: string;
  node?: Node;
  resourceNames?: string[];
  typeUrl?: string;
  responseNonce?: string;
  errorDetail?: { code?: number; message?: string };
}

export interface DiscoveryResponse {
  versionInfo: string;
  resources: Any[];
  typeUrl: string;
  nonce: string;
  controlPlane?: { identifier: string };
}

export interface Resource {
  name: string;
  version: string;
  resource: Any;
}

export interface DeltaDiscoveryRequest {
  node?: Node;
  typeUrl?: string;
  resourceNamesSubscribe?: string[];
  resourceNamesUnsubscribe?: string[];
  initialResourceVersions?: Record<string, string>;
  responseNonce?: string;
  errorDetail?: { code?: number; message?: string };
}

export interface DeltaDiscoveryResponse {
  systemVersionInfo: string;
  resources: Resource[];
  typeUrl: string;
  removedResources: string[];
  nonce: string;
  controlPlane?: { identifier: string };
}

export type Codec<T> = { serialize: (m: T) => Buffer; deserialize: (b: Buffer) => T };

/** Requests travel as proto3 JSON objects (node metadata as plain JSON). */
function jsonCodec<T>(name: string): Codec<T> {
  const type = messageType(`envoy.service.discovery.v3.${name}`);
  return {
    serialize: (m) => Buffer.from(encodeMessage(type, m)),
    deserialize: (b) => decodeMessage(type, b) as T,
  };
}

const rawAny = (a: Any): { type_url: string; value: Uint8Array } => ({ type_url: a.typeUrl, value: a.value });
const fromRawAny = (a: { type_url?: string; value?: Uint8Array }): Any => ({ typeUrl: a.type_url ?? '', value: a.value ?? new Uint8Array() });

/** Responses keep their resources as encoded Any bytes: encoded once, sent to many proxies. */
function responseCodec(): Codec<DiscoveryResponse> {
  const type = messageType('envoy.service.discovery.v3.DiscoveryResponse');
  return {
    serialize: (m) => Buffer.from(type.encode(type.fromObject({ ...m, resources: m.resources.map(rawAny) })).finish()),
    deserialize: (b) => {
      const o = type.toObject(type.decode(b), { longs: String }) as DiscoveryResponse & { resources?: { type_url?: string; value?: Uint8Array }[] };
      return { ...o, versionInfo: o.versionInfo ?? '', nonce: o.nonce ?? '', typeUrl: o.typeUrl ?? '', resources: (o.resources ?? []).map(fromRawAny) };
    },
  };
}

function deltaResponseCodec(): Codec<DeltaDiscoveryResponse> {
  const type = messageType('envoy.service.discovery.v3.DeltaDiscoveryResponse');
  return {
    serialize: (m) => Buffer.from(type.encode(type.fromObject({ ...m, resources: m.resources.map((r) => ({ ...r, resource: rawAny(r.resource) })) })).finish()),
    deserialize: (b) => {
      const o = type.toObject(type.decode(b), { longs: String }) as DeltaDiscoveryResponse & { resources?: (Resource & { resource: { type_url?: string; value?: Uint8Array } })[] };
      return {
        ...o, systemVersionInfo: o.systemVersionInfo ?? '', nonce: o.nonce ?? '', typeUrl: o.typeUrl ?? '', removedResources: o.removedResources ?? [],
        resources: (o.resources ?? []).map((r) => ({ ...r, resource: fromRawAny(r.resource) })),
      };
    },
  };
}

function method<Req, Res>(name: string, rq: Codec<Req>, rs: Codec<Res>) {
  return {
    path: `${SERVICE}/${name}`,
    requestStream: true,
    responseStream: true,
    requestSerialize: rq.serialize,
    requestDeserialize: rq.deserialize,
    responseSerialize: rs.serialize,
    responseDeserialize: rs.deserialize,
  };
}

/** StreamAggregatedResources' path and message codecs, for a client without @grpc/grpc-js (the sidecar's). */
export function streamAggregatedResources(): { path: string; request: Codec<DiscoveryRequest>; response: Codec<DiscoveryResponse> } {
  return { path: `${SERVICE}/StreamAggregatedResources`, request: jsonCodec<DiscoveryRequest>('DiscoveryRequest'), response: responseCodec() };
}

export function adsServiceDefinition(): ServiceDefinition {
  return {
    StreamAggregatedResources: method('StreamAggregatedResources', jsonCodec<DiscoveryRequest>('DiscoveryRequest'), responseCodec()),
    DeltaAggregatedResources: method('DeltaAggregatedResources', jsonCodec<DeltaDiscoveryRequest>('DeltaDiscoveryRequest'), deltaResponseCodec()),
  } as ServiceDefinition;
}
