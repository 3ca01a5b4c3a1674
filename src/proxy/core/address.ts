/**
 * Socket addresses as Envoy prints them: `ip:port`, `[ip]:port` for IPv6, with IPv4-mapped
 * IPv6 addresses (`::ffff:10.0.0.1`, what a dual-stack socket reports) turned back into IPv4.
 */
import { isIPv6 } from 'node:net';

export interface Address {
  readonly ip: string;
  readonly port: number;
}

export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

export function familyOf(ip: string): 4 | 6 {
  return isIPv6(normalizeIp(ip)) ? 6 : 4;
}

export function formatAddress(a: Address | undefined): string {
  if (!a) return '-';
  const ip = normalizeIp(a.ip);
  // An address with a colon is IPv6 (cheaper than isIPv6's regex on the per-request path).
  return ip.includes(':') ? `[${ip}]:${a.port}` : `${ip}:${a.port}`;
}

/** Envoy's stat-name form of a listener address: `0.0.0.0_15001`. */
export function statAddress(a: Address): string {
  return `${normalizeIp(a.ip)}_${a.port}`;
}

/** The local or remote address of a socket, when it has one. */
export function socketAddress(ip: string | undefined, port: number | undefined): Address | undefined {
  return ip !== undefined && port !== undefined ? { ip: normalizeIp(ip), port } : undefined;
}

/** The loopback source Istio binds for connections to the local app (RETURNed by ISTIO_OUTPUT rule 1). */
export function inboundBindAddress(family: 4 | 6): string {
  return family === 4 ? '127.0.0.6' : '::6';
}

/**
 * The source address for an upstream connection from a cluster's upstream_bind_config: as
 * configured when the families agree; Istio's inbound loopback 127.0.0.6 becomes ::6 for an IPv6
 * upstream; any other mismatch binds nothing (the kernel picks).
 */
export function upstreamBindAddress(bind: string | undefined, family: 4 | 6): string | undefined {
  if (bind === undefined) return undefined;
  if (familyOf(bind) === family) return bind;
  if (bind === '127.0.0.6' || bind === '::6') return inboundBindAddress(family);
  return undefined;
}
