/**
 * Trace and span ids from the data path's Random: 64-bit span ids and 128-bit trace ids (Istio
 * configures Zipkin with trace_id_128bit), lower-case hex, never all zeros.
 */
import type { Random } from '../core/random.ts';

const word = (r: Random): string => Math.floor(r() * 0x1_0000_0000).toString(16).padStart(8, '0');

export function spanId(r: Random): string {
  for (let i = 0; i < 4; i++) {
    const id = word(r) + word(r);
    if (id !== '0000000000000000') return id;
  }
  return '0000000000000001';
}

export const traceId128 = (r: Random): string => spanId(r) + spanId(r);
