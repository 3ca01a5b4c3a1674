/**
 * A port's protocol as Istio decides it: Kubernetes `appProtocol` first, then the port name's
 * prefix (`http`, `http-web`, `grpc-api`...), then the transport (UDP). ServiceEntry ports name
 * their protocol directly. What is left is "Unsupported": Istio sniffs it (protocol selection),
 * with an HTTP filter chain for connections that start as HTTP and tcp_proxy for the rest.
 * HTTP-family ports get HTTP listeners and routes; the TCP family (tcp, tls, https, mysql, mongo,
 * redis) gets tcp_proxy only and is never inspected, so server-first protocols are not held up.
 */
import type { Protocol } from './model.ts';

const BY_NAME: Readonly<Record<string, Protocol>> = {
  http: 'HTTP', http2: 'HTTP2', grpc: 'GRPC', 'grpc-web': 'GRPC-Web', https: 'HTTPS', tls: 'TLS', tcp: 'TCP',
  mongo: 'Mongo', mysql: 'MySQL', redis: 'Redis', udp: 'UDP',
};

const APP_PROTOCOLS: Readonly<Record<string, Protocol>> = {
  ...BY_NAME, 'kubernetes.io/h2c': 'HTTP2', 'kubernetes.io/ws': 'HTTP', 'kubernetes.io/wss': 'HTTPS',
};

/** A protocol named directly (ServiceEntry, Sidecar, appProtocol), any case; undefined if unknown. */
export function parseProtocol(name: string): Protocol | undefined {
  return APP_PROTOCOLS[name.toLowerCase()];
}

/** Kubernetes: appProtocol, else the name's prefix before the first "-", else Unsupported (UDP for UDP ports). */
export function inferProtocol(port: { name?: string | null; appProtocol?: string | null; protocol?: string | null }): Protocol {
  if (port.protocol?.toUpperCase() === 'UDP') return 'UDP';
  if (port.appProtocol) {
    const p = parseProtocol(port.appProtocol);
    if (p) return p;
  }
  const name = (port.name ?? '').toLowerCase();
  if (name === 'grpc-web' || name.startsWith('grpc-web-')) return 'GRPC-Web';
  const prefix = name.split('-')[0] ?? '';
  return BY_NAME[prefix] ?? 'Unsupported';
}

/** Whether Istio builds an HTTP connection manager for the port. */
export const isHttpProtocol = (p: Protocol): boolean => p === 'HTTP' || p === 'HTTP2' || p === 'GRPC' || p === 'GRPC-Web';

/** Whether upstream connections speak HTTP/2 (h2c) by default. */
export const isHttp2Protocol = (p: Protocol): boolean => p === 'HTTP2' || p === 'GRPC';

/** Whether Istio sniffs the port's protocol (no name prefix, no appProtocol). */
export const isSniffedProtocol = (p: Protocol): boolean => p === 'Unsupported';

/** Whether a port carries HTTP: declared HTTP-family or sniffed (so it needs HTTP routes). */
export const mayCarryHttp = (p: Protocol): boolean => isHttpProtocol(p) || isSniffedProtocol(p);

/** The application protocols Envoy's http_inspector reports for plaintext HTTP (Istio's plaintextHTTPALPNs). */
export const SNIFFED_HTTP_PROTOCOLS: readonly string[] = Object.freeze(['http/1.1', 'http/1.0', 'h2c']);
