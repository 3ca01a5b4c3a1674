/**
 * Envoy's v3 API types, for the control plane and the sidecar alike: one protobufjs Root built
 * from the generated descriptor (envoy-protos.json), and helpers to encode resources into
 * `google.protobuf.Any` and back. Objects use proto3 JSON field names (lowerCamelCase), the shape
 * Envoy's admin config_dump prints, and nested Any values carry "@type".
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { decodeMessage, encodeMessage } from './json.ts';

let root: protobuf.Root | undefined;

export function envoyRoot(): protobuf.Root {
  if (!root) {
    const file = join(dirname(fileURLToPath(import.meta.url)), 'envoy-protos.json');
    root = protobuf.Root.fromJSON(JSON.parse(readFileSync(file, 'utf8')) as protobuf.INamespace);
  }
  return root;
}

/** A message type by full name, e.g. "envoy.config.listener.v3.Listener". */
export function messageType(name: string): protobuf.Type {
  return envoyRoot().lookupType(name);
}

export const TYPE_PREFIX = 'type.googleapis.com/';

/** The message type named by a type URL; throws for a type Mizzen does not know. */
export function typeOfUrl(typeUrl: string): protobuf.Type {
  return messageType(typeUrl.slice(typeUrl.lastIndexOf('/') + 1));
}

/** Encodes a resource given in proto3 JSON (as config_dump prints it) into an Any. */
export function encodeAny(typeUrl: string, object: unknown): { typeUrl: string; value: Uint8Array } {
  return { typeUrl, value: encodeMessage(typeOfUrl(typeUrl), object, typeUrl.slice(typeUrl.lastIndexOf('.') + 1)) };
}

/** Decodes an Any (typeUrl or type_url, value bytes) into proto3 JSON. */
export function decodeAny(any: { typeUrl?: string; type_url?: string; value: Uint8Array }): { typeUrl: string; object: Record<string, unknown> } {
  const typeUrl = any.typeUrl ?? any.type_url ?? '';
  return { typeUrl, object: decodeMessage(typeOfUrl(typeUrl), any.value) as Record<string, unknown> };
}
