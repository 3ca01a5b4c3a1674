/**
 * Control-plane config error codes. Each problem found while loading Istio config carries one of
 * these codes in its ConfigIssue; a ConfigError (a MizzenError) wraps issues when an API call
 * has to fail as a whole (for example `store.apply(..., { strict: true })`).
 *
 * core/errors.ts's ErrorCode union does not list these codes yet, so a ConfigError's `code` is
 * MZ_INVALID_CONFIG_FILE and the precise code is in `configCode`.
 */
import { ErrorCodes, MizzenError } from '../../core/errors.ts';
import type { ConfigIssue } from './issue.ts';

export const ConfigErrorCodes = {
  /** A file could not be read. */
  Unreadable: 'MZ_CONFIG_UNREADABLE',
  /** A file is not well-formed YAML or JSON. */
  Syntax: 'MZ_CONFIG_SYNTAX',
  /** A document is not a Kubernetes object (no apiVersion/kind, not a mapping). */
  NotAnObject: 'MZ_CONFIG_NOT_AN_OBJECT',
  /** An Istio API group with a version or kind Mizzen does not serve. */
  UnsupportedKind: 'MZ_CONFIG_UNSUPPORTED_KIND',
  /** metadata is missing or malformed (name, namespace, labels). */
  InvalidMetadata: 'MZ_CONFIG_INVALID_METADATA',
  /** A spec field failed schema or semantic validation. */
  InvalidSpec: 'MZ_CONFIG_INVALID_SPEC',
  /** The same resource is defined twice across the loaded sources. */
  Duplicate: 'MZ_CONFIG_DUPLICATE',
} as const;

export type ConfigErrorCode = (typeof ConfigErrorCodes)[keyof typeof ConfigErrorCodes];

export class ConfigError extends MizzenError {
  readonly configCode: ConfigErrorCode;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    const first = issues[0];
    const more = issues.length > 1 ? `\n${issues.slice(1).map((i) => i.message).join('\n')}` : '';
    super(ErrorCodes.InvalidConfigFile, `${first?.message ?? 'invalid config'}${more}`, options);
    this.name = 'ConfigError';
    this.configCode = first?.code ?? ConfigErrorCodes.InvalidSpec;
    this.issues = issues;
  }
}
