/**
 * The resources of a DiscoveryResponse, decoded from their Any bytes to proto3 JSON (each one
 * on its own, so one bad resource is named by its index). A resource must have the response's
 * type URL; envoy.service.discovery.v3.Resource wrappers are unwrapped.
 */
import type { Any } from '../../core/xds/ads-service.ts';
import { decodeAny } from '../../core/xds/protos.ts';
import { ProxyError, ProxyErrorCodes } from '../core/errors.ts';
import type { Obj } from './translate/fields.ts';

const WRAPPER = 'type.googleapis.com/envoy.service.discovery.v3.Resource';

export interface DecodedResource {
  /** The index in the response. */
  readonly index: number;
  readonly json: Obj;
}

export interface Decoded {
  readonly resources: readonly DecodedResource[];
  readonly errors: readonly string[];
}

function unwrap(any: Any, index: number, typeUrl: string): Obj {
  const { typeUrl: url, object } = decodeAny(any);
  if (url !== WRAPPER) return object;
  const inner = object['resource'] as Obj | undefined;
  if (!inner || inner['@type'] !== typeUrl) throw new ProxyError(ProxyErrorCodes.InvalidResource, `a Resource wrapper without a ${typeUrl}`);
  const { '@type': _type, ...rest } = inner;
  return rest;
}

export function decodeResources(typeUrl: string, kind: string, anys: readonly Any[]): Decoded {
  const resources: DecodedResource[] = [];
  const errors: string[] = [];
  anys.forEach((any, index) => {
    if (any.typeUrl !== typeUrl && any.typeUrl !== WRAPPER) {
      errors.push(`resources[${index}]: a ${any.typeUrl} in a ${kind} response`);
      return;
    }
    try {
      resources.push({ index, json: unwrap(any, index, typeUrl) });
    } catch (err) {
      errors.push(`resources[${index}]: cannot decode the ${kind}: ${(err as Error).message}`);
    }
  });
  return { resources, errors };
}
