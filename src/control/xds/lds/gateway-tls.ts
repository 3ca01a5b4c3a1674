/**
 * A Gateway server's TLS settings -> the filter chain's transport socket (Istio's
 * buildGatewayListenerTLSContext): envoy.transport_sockets.tls with a DownstreamTlsContext whose
 * certificate and key are the server's `serverCertificate` / `privateKey` files, ALPN h2 and
 * http/1.1 for HTTPS servers (none for TLS), and for MUTUAL (and OPTIONAL_MUTUAL) the
 * `caCertificates` file as the trusted CA, with require_client_certificate for MUTUAL.
 * Mizzen has no SDS: `credentialName` (a Kubernetes Secret) is not supported yet, and a server
 * that names neither files nor a supported credential gets no chain (the reason is returned).
 */
import type { GatewayServer } from '../../model/gateways.ts';
import type { Json } from '../generator.ts';

export const TLS_TRANSPORT_SOCKET = 'envoy.transport_sockets.tls';
export const DOWNSTREAM_TLS_CONTEXT = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';

/** Istio's ALPN for gateway HTTPS servers. */
export const GATEWAY_HTTPS_ALPN = Object.freeze(['h2', 'http/1.1']);

const TLS_VERSIONS: Readonly<Record<string, string>> = { TLSV1_0: 'TLSv1_0', TLSV1_1: 'TLSv1_1', TLSV1_2: 'TLSv1_2', TLSV1_3: 'TLSv1_3' };

export type ServerTransportSocket = { readonly socket: Json } | { readonly skipped: string };

export function serverTransportSocket(s: GatewayServer): ServerTransportSocket {
  const tls = s.server.tls;
  const where = `Gateway ${s.gateway} server ${s.server.port.name}`;
  if (!tls) return { skipped: `${where}: protocol ${s.server.port.protocol} needs tls settings` };
  const mode = tls.mode ?? 'SIMPLE';
  if (mode === 'ISTIO_MUTUAL') return { skipped: `${where}: tls.mode ISTIO_MUTUAL is not supported (no mesh certificates yet)` };
  if (!tls.serverCertificate || !tls.privateKey) {
    const why = tls.credentialName || (tls.credentialNames ?? []).length > 0
      ? 'tls.credentialName is not supported yet (no Kubernetes Secrets); use serverCertificate and privateKey files'
      : 'tls.serverCertificate and tls.privateKey are required';
    return { skipped: `${where}: ${why}` };
  }
  const mutual = mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  if (mutual && !tls.caCertificates) return { skipped: `${where}: tls.mode ${mode} needs tls.caCertificates` };
  const params = {
    ...(tls.minProtocolVersion && TLS_VERSIONS[tls.minProtocolVersion] ? { tlsMinimumProtocolVersion: TLS_VERSIONS[tls.minProtocolVersion] } : {}),
    ...(tls.maxProtocolVersion && TLS_VERSIONS[tls.maxProtocolVersion] ? { tlsMaximumProtocolVersion: TLS_VERSIONS[tls.maxProtocolVersion] } : {}),
  };
  const common: Json = {
    tlsCertificates: [{ certificateChain: { filename: tls.serverCertificate }, privateKey: { filename: tls.privateKey } }],
    ...(s.protocol === 'HTTPS' ? { alpnProtocols: [...GATEWAY_HTTPS_ALPN] } : {}),
    ...(Object.keys(params).length > 0 ? { tlsParams: params } : {}),
    ...(mutual ? { validationContext: { trustedCa: { filename: tls.caCertificates } } } : {}),
  };
  return {
    socket: {
      name: TLS_TRANSPORT_SOCKET,
      typedConfig: { '@type': DOWNSTREAM_TLS_CONTEXT, commonTlsContext: common, requireClientCertificate: mode === 'MUTUAL' },
    },
  };
}
