/**
 * A filter chain's transport_socket -> DownstreamTlsConfig: envoy.transport_sockets.tls with a
 * DownstreamTlsContext (raw_buffer means none). The certificates are loaded here, at the edge:
 * common_tls_context.tls_certificates[0] (certificate_chain and private_key as a DataSource:
 * filename, inline_bytes or inline_string), validation_context.trusted_ca, alpn_protocols and
 * require_client_certificate. A missing file or a bad PEM refuses the resource (NACK) naming the
 * field. SDS references (tls_certificate_sds_secret_configs, validation_context_sds_secret_config
 * in a combined_validation_context) are resolved before this, from the secrets SDS delivered
 * (xds/sds-listeners.ts): what is left here is inline, or SDS not over ADS, which is refused.
 * Several certificates (credentialNames: RSA and ECDSA) are all loaded; OpenSSL picks per client.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { DownstreamTlsConfig } from '../../filter-chain/filter-chain-config.ts';
import { bool, list, obj, str, typeName, type At, type Obj } from './fields.ts';

export const DOWNSTREAM_TLS_TYPE = 'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';
const RAW_BUFFER_TYPE = 'envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer';

/** A DataSource's bytes: a file read now, inline bytes (base64 in proto3 JSON) or an inline string. */
export function dataSource(v: unknown, at: At): Buffer {
  const d = obj(v, at);
  if (typeof d['filename'] === 'string' && d['filename'] !== '') {
    try {
      return readFileSync(d['filename']);
    } catch (err) {
      return at.field('filename').fail(`cannot read ${JSON.stringify(d['filename'])}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  if (typeof d['inlineBytes'] === 'string' && d['inlineBytes'] !== '') return Buffer.from(d['inlineBytes'], 'base64');
  if (d['inlineBytes'] instanceof Uint8Array && d['inlineBytes'].length > 0) return Buffer.from(d['inlineBytes']);
  if (typeof d['inlineString'] === 'string' && d['inlineString'] !== '') return Buffer.from(d['inlineString']);
  if (d['environmentVariable'] !== undefined) return at.field('environmentVariable').fail('is not supported (use filename or inline_bytes)');
  return at.fail('needs filename, inline_bytes or inline_string');
}

export function pem(b: Buffer, what: string, at: At): Buffer {
  if (!b.toString('latin1').includes('-----BEGIN ')) at.fail(`is not a PEM ${what}`);
  return b;
}

function context(common: Obj, requireClient: boolean, at: At): { ctx: SecureContext; verifyClient: boolean } {
  if (list(common['tlsCertificateSdsSecretConfigs'], at.field('tlsCertificateSdsSecretConfigs')).length > 0) {
    at.field('tlsCertificateSdsSecretConfigs').fail('SDS secrets must come over ADS (sds_config: {ads: {}}); others are not supported');
  }
  const certs = list(common['tlsCertificates'], at.field('tlsCertificates'));
  if (certs.length === 0) at.field('tlsCertificates').fail('a downstream TLS context needs a certificate and key');
  const c0 = at.field('tlsCertificates').index(0);
  const pairs = certs.map((c, i) => {
    const ci = at.field('tlsCertificates').index(i);
    const cert = obj(c, ci);
    return {
      chain: pem(dataSource(cert['certificateChain'], ci.field('certificateChain')), 'certificate', ci.field('certificateChain')),
      key: pem(dataSource(cert['privateKey'], ci.field('privateKey')), 'private key', ci.field('privateKey')),
    };
  });
  if (common['validationContextSdsSecretConfig'] !== undefined || common['combinedValidationContext'] !== undefined) {
    at.field('validationContextSdsSecretConfig').fail('SDS validation contexts must come over ADS (sds_config: {ads: {}}); others are not supported');
  }
  const vc = common['validationContext'] === undefined ? undefined : obj(common['validationContext'], at.field('validationContext'));
  const caAt = at.field('validationContext').field('trustedCa');
  const ca = vc?.['trustedCa'] === undefined ? undefined : pem(dataSource(vc['trustedCa'], caAt), 'CA certificate', caAt);
  if (requireClient && !ca) at.field('validationContext').fail('require_client_certificate needs validation_context.trusted_ca');
  try {
    const cert = pairs.length === 1 ? pairs[0]?.chain : pairs.map((p) => p.chain);
    const key = pairs.length === 1 ? pairs[0]?.key : pairs.map((p) => p.key);
    return { ctx: createSecureContext({ cert, key, ...(ca ? { ca } : {}) }), verifyClient: ca !== undefined };
  } catch (err) {
    return c0.fail(`the certificate, key or CA cannot be loaded: ${(err as Error).message}`);
  }
}

/** undefined for no transport socket or raw_buffer; else the loaded TLS configuration. */
export function translateDownstreamTls(v: unknown, at: At): DownstreamTlsConfig | undefined {
  if (v === undefined) return undefined;
  const ts = obj(v, at);
  const type = typeName(ts['typedConfig']);
  if (type === RAW_BUFFER_TYPE) return undefined;
  if (type !== DOWNSTREAM_TLS_TYPE) return at.field('typedConfig').fail(`transport socket ${JSON.stringify(type || str(ts['name'], at.field('name')))} is not supported (only tls with a DownstreamTlsContext, or raw_buffer)`);
  const cfgAt = at.field('typedConfig');
  const cfg = obj(ts['typedConfig'], cfgAt);
  const requireClientCertificate = bool(cfg['requireClientCertificate'], false);
  const common = obj(cfg['commonTlsContext'], cfgAt.field('commonTlsContext'));
  const { ctx, verifyClient } = context(common, requireClientCertificate, cfgAt.field('commonTlsContext'));
  const alpn = list(common['alpnProtocols'], cfgAt.field('commonTlsContext').field('alpnProtocols'))
    .map((p, i) => str(p, cfgAt.field('commonTlsContext').field('alpnProtocols').index(i), true));
  return Object.freeze({ secureContext: ctx, alpnProtocols: Object.freeze(alpn), requireClientCertificate, verifyClient });
}
