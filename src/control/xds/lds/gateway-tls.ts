/**
 * A Gateway server's TLS settings -> the filter chain's transport socket (Istio's
 * buildGatewayListenerTLSContext): envoy.transport_sockets.tls with a DownstreamTlsContext, ALPN
 * h2 and http/1.1 for HTTPS servers (none for TLS), require_client_certificate for MUTUAL.
 * With `credentialName` (or `credentialNames`) the certificate comes by SDS over ADS, as Istio
 * generates it: tls_certificate_sds_secret_configs `kubernetes://NAME` and, for MUTUAL and
 * OPTIONAL_MUTUAL, a combined_validation_context whose SDS secret is `kubernetes://NAME-cacert`;
 * a Secret that does not exist (or lacks the CA) leaves the chain out, and the reason is
 * returned for istiod's log. Without a credential the certificate and key are the
 * `serverCertificate` / `privateKey` files and the CA `caCertificates`.
 */
import type { GatewayServer } from '../../model/gateways.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { Json } from '../generator.ts';
import { CA_SUFFIX, credentialNames, resolveSdsName, SDS_PREFIX } from '../sds/credentials.ts';
import { ADS_CONFIG_SOURCE } from '../type-config.ts';

export const TLS_TRANSPORT_SOCKET = 'envoy.transport_sockets.tls';
export const DOWNSTREAM_TLS_CONTEXT = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';

/** Istio's ALPN for gateway HTTPS servers. */
export const GATEWAY_HTTPS_ALPN = Object.freeze(['h2', 'http/1.1']);

const TLS_VERSIONS: Readonly<Record<string, string>> = { TLSV1_0: 'TLSv1_0', TLSV1_1: 'TLSv1_1', TLSV1_2: 'TLSv1_2', TLSV1_3: 'TLSv1_3' };

export type ServerTransportSocket = { readonly socket: Json } | { readonly skipped: string };

const sdsRef = (name: string): Json => ({ name, sdsConfig: ADS_CONFIG_SOURCE });

/** Certificates from SDS: the references, or why the server cannot have them now. */
function sdsCertificates(s: GatewayServer, names: readonly string[], mutual: boolean, push: PushContext, namespace: string, where: string): { common: Json } | { skipped: string } {
  for (const n of names) {
    if (!resolveSdsName(push, namespace, `${SDS_PREFIX}${n}`)) {
      return { skipped: `${where}: tls.credentialName ${JSON.stringify(n)}: no Secret ${namespace}/${n} with a certificate and key (tls.crt/tls.key or cert/key); the server is left out until it exists` };
    }
  }
  const common: Json = { tlsCertificateSdsSecretConfigs: names.map((n) => sdsRef(`${SDS_PREFIX}${n}`)) };
  if (!mutual) return { common };
  const ca = `${SDS_PREFIX}${names[0] ?? ''}${CA_SUFFIX}`;
  if (!resolveSdsName(push, namespace, ca)) {
    return { skipped: `${where}: tls.mode ${s.server.tls?.mode ?? ''} needs a CA: no Secret ${namespace}/${names[0] ?? ''}${CA_SUFFIX} and no ca.crt (or cacert) in Secret ${namespace}/${names[0] ?? ''}; the server is left out until it exists` };
  }
  return { common: { ...common, combinedValidationContext: { defaultValidationContext: {}, validationContextSdsSecretConfig: sdsRef(ca) } } };
}

/** The transport socket of a TLS-terminating server; `namespace` is the gateway proxy's (where its Secrets live). */
export function serverTransportSocket(s: GatewayServer, push: PushContext, namespace: string): ServerTransportSocket {
  const tls = s.server.tls;
  const where = `Gateway ${s.gateway} server ${s.server.port.name}`;
  if (!tls) return { skipped: `${where}: protocol ${s.server.port.protocol} needs tls settings` };
  const mode = tls.mode ?? 'SIMPLE';
  if (mode === 'ISTIO_MUTUAL') return { skipped: `${where}: tls.mode ISTIO_MUTUAL is not supported (no mesh certificates yet)` };
  const mutual = mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  const credentials = credentialNames(tls);
  let certs: Json;
  if (credentials.length > 0) {
    const sds = sdsCertificates(s, credentials, mutual, push, namespace, where);
    if ('skipped' in sds) return sds;
    certs = sds.common;
  } else {
    if (!tls.serverCertificate || !tls.privateKey) return { skipped: `${where}: tls.credentialName, or tls.serverCertificate and tls.privateKey, are required` };
    if (mutual && !tls.caCertificates) return { skipped: `${where}: tls.mode ${mode} needs tls.caCertificates` };
    certs = {
      tlsCertificates: [{ certificateChain: { filename: tls.serverCertificate }, privateKey: { filename: tls.privateKey } }],
      ...(mutual ? { validationContext: { trustedCa: { filename: tls.caCertificates } } } : {}),
    };
  }
  const params = {
    ...(tls.minProtocolVersion && TLS_VERSIONS[tls.minProtocolVersion] ? { tlsMinimumProtocolVersion: TLS_VERSIONS[tls.minProtocolVersion] } : {}),
    ...(tls.maxProtocolVersion && TLS_VERSIONS[tls.maxProtocolVersion] ? { tlsMaximumProtocolVersion: TLS_VERSIONS[tls.maxProtocolVersion] } : {}),
  };
  const common: Json = {
    ...certs,
    ...(s.protocol === 'HTTPS' ? { alpnProtocols: [...GATEWAY_HTTPS_ALPN] } : {}),
    ...(Object.keys(params).length > 0 ? { tlsParams: params } : {}),
  };
  return {
    socket: {
      name: TLS_TRANSPORT_SOCKET,
      typedConfig: { '@type': DOWNSTREAM_TLS_CONTEXT, commonTlsContext: common, requireClientCertificate: mode === 'MUTUAL' },
    },
  };
}
