/**
 * The kernel-backed original-destination resolvers. REDIRECT (nat) rewrites the destination, so
 * it is read back with SO_ORIGINAL_DST; TPROXY keeps it, so it is the accepted socket's local
 * address. As in Envoy, a socket that was not NATed falls back to its local address.
 */
import type { Socket } from 'node:net';
import { socketAddress, type Address } from './address.ts';
import type { DestinationResolver } from './original-destination.ts';
import { originalDst } from './socket-options.ts';

export const localAddressResolver = {
  resolve(socket: Socket): Address | undefined {
    return socketAddress(socket.localAddress, socket.localPort);
  },
} satisfies DestinationResolver;

export const soOriginalDstResolver = {
  resolve(socket: Socket): Address | undefined {
    let dst: ReturnType<typeof originalDst>;
    try {
      dst = originalDst(socket);
    } catch {
      dst = undefined;
    }
    return dst ? { ip: dst.address, port: dst.port } : localAddressResolver.resolve(socket);
  },
} satisfies DestinationResolver;
