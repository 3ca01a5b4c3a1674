/**
 * The credential Secrets of one loaded config file: its `v1 Secret` objects validated
 * (kube-secret.ts) into the Secrets the store keeps, the names of those refused (their last good
 * version stays), and one issue per problem (file, line, Secret, field, value; never key bytes).
 */
import { ConfigErrorCodes } from '../errors.ts';
import { makeIssue, type ConfigIssue } from '../issue.ts';
import type { KubeObject } from '../source/objects.ts';
import { isSecretDocument, parseCredentialSecret, type CredentialSecret } from './kube-secret.ts';

export interface FileSecrets {
  readonly secrets: readonly CredentialSecret[];
  readonly rejected: readonly string[];
  readonly issues: readonly ConfigIssue[];
}

export function secretsOf(file: string, objects: readonly KubeObject[]): FileSecrets {
  const secrets: CredentialSecret[] = [];
  const rejected: string[] = [];
  const issues: ConfigIssue[] = [];
  for (const o of objects) {
    if (!isSecretDocument(o.value)) continue;
    const parsed = parseCredentialSecret(o.value);
    if (parsed.problems.length === 0) {
      if (parsed.secret) secrets.push(parsed.secret);
      continue;
    }
    rejected.push(`${o.namespace}/${o.name}`);
    for (const reason of parsed.problems) {
      issues.push(makeIssue({ severity: 'error', code: ConfigErrorCodes.InvalidSpec, file, ...(o.line !== undefined ? { line: o.line } : {}), reason }));
    }
  }
  return { secrets, rejected, issues };
}
