/**
 * What every per-type translator provides: the type URL and Envoy's short name, whether the
 * type is subscribed wildcard (CDS, LDS) or by name (EDS, RDS, SDS), how to name a decoded resource,
 * and how to validate it into frozen internal config.
 */
import type { Obj } from './fields.ts';

export interface Translator<T> {
  readonly typeUrl: string;
  readonly short: 'CDS' | 'EDS' | 'LDS' | 'RDS' | 'SDS';
  /** The message name (Cluster, ...), for messages. */
  readonly kind: string;
  readonly wildcard: boolean;
  nameOf(json: Obj): string;
  /** Throws a ProxyError naming the resource and field when the resource cannot be applied. */
  translate(json: Obj): T;
}
