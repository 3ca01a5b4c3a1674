/**
 * The proxy's precise error codes. core/errors.ts's ErrorCode union does not list them, so (as
 * control/ does) a ProxyError carries the nearest core code in `code` and the precise one in
 * `proxyCode`; callers branch on either, never on the message.
 */
import { ErrorCodes, MizzenError } from '../../core/errors.ts';

export const ProxyErrorCodes = {
  /** A pushed resource (an xDS Cluster, Listener, ...) cannot be applied; the message names the resource and field. */
  InvalidResource: 'MZ_XDS_INVALID_RESOURCE',
} as const;

export type ProxyErrorCode = (typeof ProxyErrorCodes)[keyof typeof ProxyErrorCodes];

export class ProxyError extends MizzenError {
  readonly proxyCode: ProxyErrorCode;

  constructor(proxyCode: ProxyErrorCode, message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.InvalidConfigFile, message, options);
    this.proxyCode = proxyCode;
  }
}
