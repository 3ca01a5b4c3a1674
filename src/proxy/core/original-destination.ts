/**
 * Where a captured connection was going: Envoy's `original_dst` listener filter. The interface
 * lives here; the two kernel-backed resolvers are in resolvers.ts.
 */
import type { Socket } from 'node:net';
import type { Address } from './address.ts';

export interface DestinationResolver {
  /** The connection's original destination, or its local address when it was not captured. */
  resolve(socket: Socket): Address | undefined;
}
