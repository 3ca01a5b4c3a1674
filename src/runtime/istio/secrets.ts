/**
 * Kubernetes Secrets in a one-host mesh (gateway credentials for `credentialName`): validated
 * as istiod reads them (control/config/secrets/kube-secret.ts: resource, field and value named,
 * key bytes never shown) and kept, as the YAML the user applied, one file each in the config
 * folder istiod watches, readable only by istiod's user (mode 0600, ISTIOD_UID). Writing the file is the
 * apply: istiod picks it up and pushes SDS to the gateways that reference it, so a new Secret
 * rotates the served certificate without restarting anything.
 */
import { chownSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { isSecretDocument, parseCredentialSecret, type CredentialSecret } from '../../control/config/secrets/kube-secret.ts';
import type { SourceDocument } from '../manifest/document.ts';
import { ISTIOD_UID } from './istiod.ts';

export interface SecretDoc {
  readonly namespace: string;
  readonly name: string;
  /** The credential it holds, if any (other Secrets are kept too, and istiod ignores them). */
  readonly secret?: CredentialSecret;
  readonly body: unknown;
}

export { isSecretDocument };

/** Validates Secret documents; problems are one line each (document, Secret, field, value, reason). */
export function validateSecretDocuments(docs: readonly SourceDocument[]): { items: SecretDoc[]; problems: string[] } {
  const items: SecretDoc[] = [];
  const problems: string[] = [];
  for (const { source, body } of docs) {
    const r = parseCredentialSecret(body, source);
    if (r.problems.length > 0) {
      problems.push(...r.problems);
      continue;
    }
    const m = (body as { metadata: { name: string; namespace?: string } }).metadata;
    items.push({ namespace: m.namespace || 'default', name: m.name, ...(r.secret ? { secret: r.secret } : {}), body });
  }
  return { items, problems };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Removes each Secret's file (by metadata alone, as kubectl delete); answers deleted or NotFound. */
export function deleteSecrets(dir: string, docs: readonly SourceDocument[]): string[] {
  return docs.map(({ body }) => {
    const m = isObj(body) && isObj(body['metadata']) ? body['metadata'] : {};
    const name = typeof m['name'] === 'string' ? m['name'] : '';
    const namespace = typeof m['namespace'] === 'string' && m['namespace'] !== '' ? m['namespace'] : 'default';
    const file = join(dir, `secret.${namespace}.${name}.yaml`);
    if (name === '' || !existsSync(file)) return `Error from server (NotFound): secrets "${name}" not found`;
    rmSync(file);
    return `secret "${name}" deleted`;
  });
}

/** Writes each Secret's file atomically, owned by istiod's user; answers kubectl-style lines. */
export function writeSecrets(dir: string, items: readonly SecretDoc[]): string[] {
  if (items.length > 0) mkdirSync(dir, { recursive: true });
  return items.map(({ namespace, name, body }) => {
    const file = join(dir, `secret.${namespace}.${name}.yaml`);
    const text = stringify(body);
    const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    const verb = before === undefined ? 'created' : before === text ? 'unchanged' : 'configured';
    if (verb !== 'unchanged') {
      writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
      chownSync(`${file}.tmp`, ISTIOD_UID, ISTIOD_UID);
      renameSync(`${file}.tmp`, file);
    }
    return `secret/${name} ${verb}`;
  });
}
