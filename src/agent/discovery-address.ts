/**
 * The control plane's address as pilot-agent takes it (`discoveryAddress`: `host:port`, e.g.
 * `istiod.istio-system.svc:15010`; IPv6 in brackets) or a unix socket (`unix:/path`), checked
 * at the edge, and turned into the gRPC target and the xds-grpc cluster's address.
 */
import { isIP } from 'node:net';

export interface DiscoveryAddress {
  /** What @grpc/grpc-js dials. */
  readonly target: string;
  /** envoy.config.core.v3.Address for the bootstrap's xds-grpc cluster. */
  readonly address: Record<string, unknown>;
}

const HOST = /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/;

/** The reason `value` is not a discovery address, or undefined when it is one. */
export function discoveryAddressProblem(value: string): string | undefined {
  if (value.startsWith('unix:')) return value.replace(/^unix:(\/\/)?/, '').startsWith('/') ? undefined : 'a unix socket address needs an absolute path (unix:/path)';
  const m = /^(\[[^\]]+\]|[^:[\]]+):(\d+)$/.exec(value);
  if (!m) return 'expected host:port, e.g. istiod.istio-system.svc:15010';
  const host = (m[1] ?? '').replace(/^\[|\]$/g, '');
  if (isIP(host) === 0 && !HOST.test(host)) return `${JSON.stringify(host)} is not a host name or IP address`;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? undefined : 'the port must be from 1 to 65535';
}

export function parseDiscoveryAddress(value: string): DiscoveryAddress {
  if (value.startsWith('unix:')) {
    const path = value.replace(/^unix:(\/\/)?/, '');
    return { target: `unix:${path}`, address: { pipe: { path } } };
  }
  const i = value.lastIndexOf(':');
  const host = value.slice(0, i).replace(/^\[|\]$/g, '');
  return { target: value, address: { socketAddress: { address: host, portValue: Number(value.slice(i + 1)) } } };
}
