/** Schema for ServerTLSSettings (Gateway servers, Sidecar ingress), with Istio's per-mode requirements. */
import { array, object } from '../schema/composites.ts';
import { bool, enumOf, str } from '../schema/scalars.ts';
import type { Path, Reporter } from '../schema/schema.ts';
import type { ServerTLSSettings, TLSProtocol } from '../types/gateway.ts';

const VERSIONS = ['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'] as const;

function byMode(t: ServerTLSSettings, path: Path, r: Reporter): void {
  const mode = t.mode ?? 'PASSTHROUGH';
  const certs = t.serverCertificate || t.privateKey || t.caCertificates || t.credentialName || t.caCrl;
  if (mode === 'ISTIO_MUTUAL') {
    const forbidden = (['serverCertificate', 'privateKey', 'caCertificates', 'credentialName'] as const).filter((k) => t[k]);
    for (const k of forbidden) r.error([...path, k], t[k], 'ISTIO_MUTUAL TLS cannot have associated certificates or credentials');
    return;
  }
  if (mode === 'PASSTHROUGH' || mode === 'AUTO_PASSTHROUGH') {
    if (certs) r.warn(path, undefined, `${mode} mode does not use certificates, they will be ignored`);
    return;
  }
  if (t.credentialName || t.credentialNames?.length) return;
  const what = mode === 'SIMPLE' ? 'SIMPLE' : 'MUTUAL';
  if (!t.serverCertificate) r.error([...path, 'serverCertificate'], undefined, `${what} TLS requires a server certificate (or credentialName)`);
  if (!t.privateKey) r.error([...path, 'privateKey'], undefined, `${what} TLS requires a private key (or credentialName)`);
  if (what === 'MUTUAL' && !t.caCertificates) r.error([...path, 'caCertificates'], undefined, 'MUTUAL TLS requires a client CA bundle');
}

function versions(t: ServerTLSSettings, path: Path, r: Reporter): void {
  const rank = (v: TLSProtocol | undefined): number => (v === undefined || v === 'TLS_AUTO' ? -1 : VERSIONS.indexOf(v));
  const min = rank(t.minProtocolVersion);
  const max = rank(t.maxProtocolVersion);
  if (min >= 0 && max >= 0 && min > max) {
    r.error([...path, 'minProtocolVersion'], t.minProtocolVersion, `minProtocolVersion is above maxProtocolVersion ${t.maxProtocolVersion}`);
  }
  if ((t.minProtocolVersion === 'TLSV1_0' || t.minProtocolVersion === 'TLSV1_1') && !t.cipherSuites?.length) {
    r.warn([...path, 'minProtocolVersion'], t.minProtocolVersion, 'TLS versions below TLSV1_2 require setting compatible cipherSuites');
  }
}

export const serverTls = object<ServerTLSSettings>('ServerTLSSettings', {
  httpsRedirect: bool(),
  mode: enumOf(['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL']),
  serverCertificate: str(), privateKey: str(), caCertificates: str(), caCrl: str(), credentialName: str(),
  credentialNames: array(str({ nonEmpty: true })), subjectAltNames: array(str()),
  verifyCertificateSpki: array(str()), verifyCertificateHash: array(str()),
  minProtocolVersion: enumOf(VERSIONS), maxProtocolVersion: enumOf(VERSIONS),
  cipherSuites: array(str(), { unique: true }),
}, { oneOf: [['credentialName', 'credentialNames']], rules: [byMode, versions] });
