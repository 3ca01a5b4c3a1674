/**
 * The error catalogue. Every failure Mizzen reports carries a stable code, a message that names
 * what was wrong (resource, field, value), and the underlying `cause` when there is one.
 * Callers branch on `code`, never on message text.
 */

export const ErrorCodes = {
  /** A flag, environment variable or config-file field has a value Mizzen will not accept. */
  InvalidFlag: 'MZ_INVALID_FLAG',
  /** A config file could not be read or parsed. */
  InvalidConfigFile: 'MZ_INVALID_CONFIG_FILE',
  /** An external command (iptables, ip, ...) failed. */
  CommandFailed: 'MZ_COMMAND_FAILED',
  /** A packet description given to the tracer is incomplete or malformed. */
  InvalidPacket: 'MZ_INVALID_PACKET',
  /** A ruleset (iptables-save text) could not be parsed. */
  InvalidRuleset: 'MZ_INVALID_RULESET',
  /** Post-apply validation of the redirect failed (istio-iptables exits 126 for this). */
  ValidationFailed: 'MZ_VALIDATION_FAILED',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class MizzenError extends Error {
  readonly code: ErrorCode;
  /** The process exit code the CLI uses when this error ends a command. */
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MizzenError';
    this.code = code;
    this.exitCode = options?.exitCode ?? 1;
  }
}

/** An invalid value, named by the flag (or field) it came from. */
export function invalidFlag(flag: string, value: unknown, reason: string): MizzenError {
  return new MizzenError(ErrorCodes.InvalidFlag, `invalid value for ${flag}: ${JSON.stringify(value)}: ${reason}`);
}

/** Message of an error and its `cause` chain, one link per line. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 8; depth++) {
    if (cur instanceof Error) {
      parts.push(depth === 0 ? cur.message : `caused by: ${cur.message}`);
      cur = cur.cause;
    } else {
      parts.push(depth === 0 ? String(cur) : `caused by: ${String(cur)}`);
      break;
    }
  }
  return parts.join('\n');
}
