/**
 * Generated resources -> Anys, plus a content hash per type (names and encoded bytes, in name
 * order) so a push can tell whether a proxy's resources of that type changed. Encodings are
 * memoized by content for the life of one push context: proxies that get the same resource
 * share one encoding. A resource the Envoy schema refuses is left out and reported (a generator
 * bug), never thrown.
 */
import { createHash } from 'node:crypto';
import type { Any } from '../../../core/xds/ads-service.ts';
import { encodeAny } from '../../../core/xds/protos.ts';
import type { Logger } from '../../../core/log.ts';
import type { XdsResource } from '../generator.ts';
import { ControlErrorCodes, ControlPlaneError } from '../errors.ts';

export interface EncodedType {
  readonly typeUrl: string;
  readonly resources: readonly XdsResource[];
  readonly anys: readonly Any[];
  /** Per resource, a hash of its encoding: its version in delta xDS. */
  readonly versions: readonly string[];
  readonly hash: string;
}

interface Encoded {
  readonly any: Any;
  readonly version: string;
}

export class ResourceEncoder {
  private cache = new Map<string, Encoded>();
  private generation = '';
  private readonly log: Logger;

  constructor(log: Logger) {
    this.log = log;
  }

  /** Forgets memoized encodings when the push context changes. */
  reset(generation: string): void {
    if (generation === this.generation) return;
    this.generation = generation;
    this.cache = new Map();
  }

  encode(typeUrl: string, resources: readonly XdsResource[]): EncodedType {
    const sorted = [...resources].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const kept: XdsResource[] = [];
    const anys: Any[] = [];
    const versions: string[] = [];
    const hash = createHash('sha256').update(typeUrl);
    for (const r of sorted) {
      const key = `${typeUrl}\n${JSON.stringify(r.resource)}`;
      let enc = this.cache.get(key);
      if (!enc) {
        try {
          const any = encodeAny(typeUrl, r.resource);
          enc = { any, version: createHash('sha256').update(any.value).digest('hex').slice(0, 16) };
        } catch (cause) {
          const err = new ControlPlaneError(ControlErrorCodes.GenerateFailed, `cannot encode ${typeUrl} ${r.name}: ${(cause as Error).message}`, { cause });
          this.log.error(`${err.controlCode}: ${err.message}`);
          continue;
        }
        this.cache.set(key, enc);
      }
      kept.push(r);
      anys.push(enc.any);
      versions.push(enc.version);
      hash.update('\0').update(r.name).update('\0').update(enc.any.value);
    }
    return { typeUrl, resources: kept, anys, versions, hash: hash.digest('hex') };
  }
}
