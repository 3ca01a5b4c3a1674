/**
 * ClientTLSSettings -> the cluster's transportSocket (Istio's applyUpstreamTLSSettings):
 * SIMPLE (verify with caCertificates and subjectAltNames, unless insecureSkipVerify), MUTUAL
 * (plus the client certificate and key files), credentialName (certificates by SDS from
 * `kubernetes://<name>`), ISTIO_MUTUAL (the workload certificate "default" and "ROOTCA" by SDS from
 * the agent's sds-grpc cluster, ALPN istio-peer-exchange/istio, SNI `outbound_.<port>_.<subset>_.<host>`).
 * DISABLE or no settings: no transport socket.
 */
import type { ClientTLSSettings } from '../../config/types/traffic-policy.ts';
import type { Json } from '../generator.ts';
import { ADS_CONFIG_SOURCE, compact, ExtensionTypes, FilterNames } from '../type-config.ts';

const AGENT_SDS = Object.freeze({
  apiConfigSource: { apiType: 'GRPC', transportApiVersion: 'V3', grpcServices: [{ envoyGrpc: { clusterName: 'sds-grpc' } }], setNodeOnFirstMessageOnly: true },
  initialFetchTimeout: '0s',
  resourceApiVersion: 'V3',
});

const sans = (names: readonly string[] | undefined): Json[] | undefined => (names && names.length > 0 ? names.map((exact) => ({ exact })) : undefined);

function fileContext(tls: ClientTLSSettings): Json {
  const validation = tls.insecureSkipVerify ? undefined : compact({
    trustedCa: tls.caCertificates ? { filename: tls.caCertificates } : undefined,
    matchSubjectAltNames: sans(tls.subjectAltNames),
    crl: tls.caCrl ? { filename: tls.caCrl } : undefined,
  });
  return compact({
    tlsCertificates: tls.mode === 'MUTUAL' && tls.clientCertificate && tls.privateKey
      ? [{ certificateChain: { filename: tls.clientCertificate }, privateKey: { filename: tls.privateKey } }] : undefined,
    validationContext: validation && Object.keys(validation).length > 0 ? validation : undefined,
  });
}

function sdsContext(certName: string, caName: string, source: Json, tls: ClientTLSSettings, withCert: boolean): Json {
  return compact({
    tlsCertificateSdsSecretConfigs: withCert ? [{ name: certName, sdsConfig: source }] : undefined,
    combinedValidationContext: tls.insecureSkipVerify ? undefined : {
      defaultValidationContext: compact({ matchSubjectAltNames: sans(tls.subjectAltNames) }),
      validationContextSdsSecretConfig: { name: caName, sdsConfig: source },
    },
  });
}

export function upstreamTransportSocket(tls: ClientTLSSettings | undefined, sniParts: { port: number; subset: string; host: string }): Json | undefined {
  if (!tls || !tls.mode || tls.mode === 'DISABLE') return undefined;
  let commonTlsContext: Json;
  let sni = tls.sni;
  if (tls.mode === 'ISTIO_MUTUAL') {
    commonTlsContext = { ...sdsContext('default', 'ROOTCA', AGENT_SDS, tls, true), alpnProtocols: ['istio-peer-exchange', 'istio'] };
    sni ??= `outbound_.${sniParts.port}_.${sniParts.subset}_.${sniParts.host}`;
  } else if (tls.credentialName) {
    const name = `kubernetes://${tls.credentialName}`;
    commonTlsContext = sdsContext(name, `${name}-cacert`, ADS_CONFIG_SOURCE, tls, tls.mode === 'MUTUAL');
  } else {
    commonTlsContext = fileContext(tls);
  }
  return {
    name: FilterNames.tls,
    typedConfig: compact({ '@type': ExtensionTypes.upstreamTls, commonTlsContext, sni }),
  };
}
