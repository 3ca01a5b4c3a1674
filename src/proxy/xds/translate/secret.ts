/**
 * envoy.extensions.transport_sockets.tls.v3.Secret (SDS) -> SecretConfig: a tls_certificate
 * (certificate_chain and private_key DataSources) or a validation_context (trusted_ca), checked
 * here as the listener translator would check them inline: PEM, and the pair loads. The
 * DataSources are kept as they came, to be put in place of the listeners' SDS references. A
 * refusal names the Secret and field, never the key's bytes.
 */
import { createSecureContext } from 'node:tls';
import { dataSource, pem } from './downstream-tls.ts';
import { At, obj, str, type Obj } from './fields.ts';

export interface SecretConfig {
  readonly name: string;
  /** TlsCertificate as proto3 JSON (DataSources), when the secret is a certificate. */
  readonly tlsCertificate?: Obj;
  /** CertificateValidationContext as proto3 JSON, when the secret is a CA. */
  readonly validationContext?: Obj;
}

export function translateSecret(json: Obj): SecretConfig {
  const name = str(json['name'], new At('Secret', 'name'), true);
  const at = new At(`Secret ${name}`);
  const out: { name: string; tlsCertificate?: Obj; validationContext?: Obj } = { name };
  if (json['tlsCertificate'] !== undefined) {
    const tc = obj(json['tlsCertificate'], at.field('tlsCertificate'));
    const cAt = at.field('tlsCertificate');
    const chain = pem(dataSource(tc['certificateChain'], cAt.field('certificateChain')), 'certificate', cAt.field('certificateChain'));
    const key = pem(dataSource(tc['privateKey'], cAt.field('privateKey')), 'private key', cAt.field('privateKey'));
    try {
      createSecureContext({ cert: chain, key });
    } catch (err) {
      cAt.fail(`the certificate and key cannot be loaded together: ${(err as Error).message}`);
    }
    out.tlsCertificate = tc;
  }
  if (json['validationContext'] !== undefined) {
    const vc = obj(json['validationContext'], at.field('validationContext'));
    const caAt = at.field('validationContext').field('trustedCa');
    if (vc['trustedCa'] === undefined) caAt.fail('is required (the CA that verifies client certificates)');
    pem(dataSource(vc['trustedCa'], caAt), 'CA certificate', caAt);
    out.validationContext = vc;
  }
  if (!out.tlsCertificate && !out.validationContext) at.fail('needs tls_certificate or validation_context (session ticket keys and generic secrets are not supported)');
  return out;
}
