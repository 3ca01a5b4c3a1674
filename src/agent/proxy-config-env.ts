/**
 * Istio's PROXY_CONFIG environment variable: the pod's ProxyConfig (YAML or JSON) overriding the
 * mesh defaults. Mizzen reads `discoveryAddress` from it and, as pilot-agent does, sends the whole
 * document to istiod as node metadata PROXY_CONFIG (istiod reads gatewayTopology from it); a
 * document that does not parse, or a discoveryAddress that is not a string, is refused naming the
 * variable.
 */
import { parse } from 'yaml';
import { invalidFlag } from '../core/errors.ts';

export const PROXY_CONFIG_SOURCE = 'environment variable PROXY_CONFIG (discoveryAddress)';

/** The document as an object (undefined when empty); refused when it is not YAML/JSON or not an object. */
export function parseProxyConfig(text: string): Record<string, unknown> | undefined {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw invalidFlag('environment variable PROXY_CONFIG', text, `not valid YAML or JSON: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return undefined;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw invalidFlag('environment variable PROXY_CONFIG', text, 'expected a ProxyConfig object');
  return doc as Record<string, unknown>;
}

export function discoveryAddressFromProxyConfig(text: string): string | undefined {
  const v = parseProxyConfig(text)?.['discoveryAddress'];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidFlag(PROXY_CONFIG_SOURCE, v, 'expected a string such as istiod.istio-system.svc:15010');
  return v;
}
