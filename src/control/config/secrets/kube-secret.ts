/**
 * Kubernetes Secrets as gateway credentials (what Istio's credential controller reads for a
 * Gateway server's `credentialName`): `type: kubernetes.io/tls` with `tls.crt`, `tls.key` and
 * optionally `ca.crt`, or the generic form with `cert`, `key` and optionally `cacert`; each key
 * in `data` (base64) or `stringData` (text, which wins, as the API server merges it). A Secret
 * with only a CA (`ca.crt` or `cacert`) is the `<name>-cacert` form for MUTUAL servers. A Secret
 * with none of these keys (an app's password...) is valid and simply no credential. Every
 * credential value is checked here, once, at the edge: base64, PEM, a certificate X.509 parses,
 * a key that loads and matches the certificate. Problems name the Secret, the field and the value; a
 * private key's value is never shown.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';

/** A Secret that validated: PEM text, never logged. */
export interface CredentialSecret {
  readonly namespace: string;
  readonly name: string;
  readonly cert?: string;
  readonly key?: string;
  readonly caCert?: string;
}

/** A valid Secret has no problems, and `secret` when it holds a credential. */
export interface SecretParse {
  readonly secret?: CredentialSecret;
  readonly problems: readonly string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a document is a core/v1 Secret. */
export const isSecretDocument = (body: unknown): boolean => isObj(body) && body['apiVersion'] === 'v1' && body['kind'] === 'Secret';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function shown(field: string, value: unknown): string {
  if (/key$/.test(field)) return `(${typeof value === 'string' ? `${value.length} characters, ` : ''}value not shown)`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The text of one key: stringData first, else data (base64). */
function valueOf(body: Obj, key: string, problems: string[], who: string): string | undefined {
  const stringData = isObj(body['stringData']) ? body['stringData'] : {};
  const data = isObj(body['data']) ? body['data'] : {};
  if (stringData[key] !== undefined) {
    const v = stringData[key];
    if (typeof v !== 'string') problems.push(`${who}: stringData.${key}: ${shown(key, v)}: must be a string`);
    return typeof v === 'string' ? v : undefined;
  }
  if (data[key] === undefined) return undefined;
  const v = data[key];
  const compact = typeof v === 'string' ? v.replace(/\s+/g, '') : '';
  if (typeof v !== 'string' || compact.length % 4 !== 0 || !BASE64.test(compact)) {
    problems.push(`${who}: data.${key}: ${shown(key, v)}: is not base64 (data values are base64; use stringData for PEM text)`);
    return undefined;
  }
  return Buffer.from(compact, 'base64').toString('utf8');
}

function fieldName(body: Obj, key: string): string {
  return isObj(body['stringData']) && body['stringData'][key] !== undefined ? `stringData.${key}` : `data.${key}`;
}

function checkCert(pem: string, field: string, who: string, problems: string[]): X509Certificate | undefined {
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    problems.push(`${who}: ${field}: ${shown(field, pem)}: is not a PEM certificate (-----BEGIN CERTIFICATE-----)`);
    return undefined;
  }
  try {
    return new X509Certificate(pem);
  } catch (err) {
    problems.push(`${who}: ${field}: ${shown(field, pem)}: the certificate does not parse: ${(err as Error).message}`);
    return undefined;
  }
}

/** Validates a Secret document; `source` names where it came from (a file, a document). */
export function parseCredentialSecret(body: unknown, source?: string): SecretParse {
  if (!isObj(body)) return { problems: [`${source ?? 'Secret'}: a Secret must be an object`] };
  const meta = isObj(body['metadata']) ? body['metadata'] : {};
  const name = typeof meta['name'] === 'string' ? meta['name'] : '';
  const namespace = typeof meta['namespace'] === 'string' && meta['namespace'] !== '' ? meta['namespace'] : 'default';
  const who = `Secret ${namespace}/${name || '(no name)'}${source ? ` (${source})` : ''}`;
  const problems: string[] = [];
  if (name === '') problems.push(`${who}: metadata.name: is required`);
  for (const f of ['data', 'stringData']) {
    if (body[f] !== undefined && !isObj(body[f])) problems.push(`${who}: ${f}: ${shown(f, body[f])}: must be a map of key to value`);
  }
  const type = body['type'] ?? 'Opaque';
  if (typeof type !== 'string') problems.push(`${who}: type: ${shown('type', type)}: must be a string`);
  const tlsType = type === 'kubernetes.io/tls';
  const has = (k: string): boolean => (isObj(body['data']) && body['data'][k] !== undefined) || (isObj(body['stringData']) && body['stringData'][k] !== undefined);
  const generic = !tlsType && (has('cert') || has('key') || has('cacert'));
  const [certKey, keyKey, caKey] = generic ? ['cert', 'key', 'cacert'] : ['tls.crt', 'tls.key', has('cacert') && !has('ca.crt') ? 'cacert' : 'ca.crt'];
  const cert = valueOf(body, certKey, problems, who);
  const key = valueOf(body, keyKey, problems, who);
  const caCert = valueOf(body, caKey, problems, who);
  if (tlsType && (!has('tls.crt') || !has('tls.key'))) {
    problems.push(`${who}: type: "kubernetes.io/tls": needs data.tls.crt and data.tls.key (missing ${['tls.crt', 'tls.key'].filter((k) => !has(k)).join(' and ')})`);
  } else if (has(certKey) !== has(keyKey)) {
    problems.push(`${who}: ${has(certKey) ? fieldName(body, keyKey) : fieldName(body, certKey)}: is missing (a certificate needs its key and a key its certificate)`);
  }
  const x509 = cert !== undefined ? checkCert(cert, fieldName(body, certKey), who, problems) : undefined;
  if (key !== undefined) {
    try {
      const k = createPrivateKey(key);
      if (x509 && !x509.checkPrivateKey(k)) problems.push(`${who}: ${fieldName(body, keyKey)}: ${shown('key', key)}: does not match the certificate in ${fieldName(body, certKey)}`);
    } catch {
      problems.push(`${who}: ${fieldName(body, keyKey)}: ${shown('key', key)}: is not a PEM private key`);
    }
  }
  if (caCert !== undefined) checkCert(caCert, fieldName(body, caKey), who, problems);
  if (problems.length > 0) return { problems };
  if (cert === undefined && caCert === undefined) return { problems: [] };
  return {
    secret: Object.freeze({ namespace, name, ...(cert !== undefined ? { cert } : {}), ...(key !== undefined ? { key } : {}), ...(caCert !== undefined ? { caCert } : {}) }),
    problems: [],
  };
}
