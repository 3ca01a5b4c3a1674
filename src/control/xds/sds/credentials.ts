/**
 * Gateway credentials by SDS, as Istio names and resolves them: a server's `credentialName`
 * (or each of `credentialNames`) is the SDS resource `kubernetes://NAME`, its certificate and key;
 * MUTUAL servers also reference `kubernetes://NAME-cacert`, the CA that verifies clients, taken
 * from a Secret `NAME-cacert` if there is one, else from `ca.crt`/`cacert` in the Secret NAME
 * itself (Istio's GetCaCert). Secrets are read in the gateway proxy's own namespace only.
 */
import type { CredentialSecret } from '../../config/secrets/kube-secret.ts';
import type { ServerTLSSettings } from '../../config/types/gateway.ts';
import type { PushContext } from '../../model/push-context.ts';

export const SDS_PREFIX = 'kubernetes://';
export const CA_SUFFIX = '-cacert';

/** The credential names a server's TLS settings use (credentialNames wins over credentialName). */
export function credentialNames(tls: ServerTLSSettings | undefined): string[] {
  if (!tls) return [];
  const many = (tls.credentialNames ?? []).filter((n) => n !== '');
  if (many.length > 0) return [...many];
  return tls.credentialName ? [tls.credentialName] : [];
}

export type ResolvedSecret =
  | { readonly kind: 'certificate'; readonly secret: CredentialSecret & { readonly cert: string; readonly key: string } }
  | { readonly kind: 'ca'; readonly caCert: string };

/** Resolves an SDS resource name (`kubernetes://NAME` or `kubernetes://NAME-cacert`) in `namespace`. */
export function resolveSdsName(push: PushContext, namespace: string, resourceName: string): ResolvedSecret | undefined {
  if (!resourceName.startsWith(SDS_PREFIX)) return undefined;
  const name = resourceName.slice(SDS_PREFIX.length);
  if (name.endsWith(CA_SUFFIX)) {
    const own = push.secret(namespace, name);
    if (own?.caCert !== undefined) return { kind: 'ca', caCert: own.caCert };
    const base = push.secret(namespace, name.slice(0, -CA_SUFFIX.length));
    if (base?.caCert !== undefined) return { kind: 'ca', caCert: base.caCert };
    return undefined;
  }
  const s = push.secret(namespace, name);
  return s?.cert !== undefined && s.key !== undefined ? { kind: 'certificate', secret: s as CredentialSecret & { cert: string; key: string } } : undefined;
}
