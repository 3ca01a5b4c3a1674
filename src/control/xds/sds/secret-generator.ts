/**
 * SDS for gateways (Istio's SecretGen): envoy.extensions.transport_sockets.tls.v3.Secret
 * resources over ADS, each named as the gateway's DownstreamTlsContext references it.
 * `kubernetes://NAME` is a tls_certificate (certificate_chain and private_key inline),
 * `kubernetes://NAME-cacert` a validation_context (trusted_ca inline), both from the Secrets in
 * the proxy's namespace as of the push. A name that resolves to nothing is left out (the
 * listener generator already left its chain out and logged why). Envoy asks by name; a
 * wildcard request gets every credential the proxy's Gateway servers reference.
 */
import { TypeUrls } from '../../../core/xds/type-urls.ts';
import { mergeGateways } from '../../model/gateways.ts';
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { Generator, Json, XdsResource } from '../generator.ts';
import { CA_SUFFIX, credentialNames, resolveSdsName, SDS_PREFIX } from './credentials.ts';

const inline = (pem: string): Json => ({ inlineBytes: Buffer.from(pem, 'utf8').toString('base64') });

/** Every SDS name the proxy's Gateway servers reference. */
function referencedNames(proxy: Proxy, push: PushContext): string[] {
  const out = new Set<string>();
  for (const p of mergeGateways(proxy, push, push.gateways())) {
    for (const s of p.servers) {
      const names = credentialNames(s.server.tls);
      for (const n of names) out.add(`${SDS_PREFIX}${n}`);
      const mode = s.server.tls?.mode;
      if (names[0] !== undefined && (mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL')) out.add(`${SDS_PREFIX}${names[0]}${CA_SUFFIX}`);
    }
  }
  return [...out].sort();
}

export function generateSecrets(proxy: Proxy, push: PushContext, names?: readonly string[]): XdsResource[] {
  const out: XdsResource[] = [];
  for (const name of names ?? referencedNames(proxy, push)) {
    const r = resolveSdsName(push, proxy.namespace, name);
    if (!r) continue;
    const resource: Json = r.kind === 'ca'
      ? { name, validationContext: { trustedCa: inline(r.caCert) } }
      : { name, tlsCertificate: { certificateChain: inline(r.secret.cert), privateKey: inline(r.secret.key) } };
    out.push({ name, resource });
  }
  return out;
}

export const sdsGenerator = { typeUrl: TypeUrls.secret, generate: generateSecrets } satisfies Generator;
