/**
 * The control plane's error codes. core/errors.ts's ErrorCode union does not list them yet, so
 * (as control/config's ConfigError does) a ControlPlaneError carries the nearest core code in
 * `code` (for the CLI's exit handling) and the precise one in `controlCode`.
 */
import { ErrorCodes, MizzenError, type ErrorCode } from '../../core/errors.ts';

export const ControlErrorCodes = {
  /** registry.json could not be read, parsed or validated. */
  InvalidRegistry: 'MZ_REGISTRY_INVALID',
  /** A flag of `mizzen control` has a value it will not accept. */
  InvalidOption: 'MZ_CONTROL_INVALID_OPTION',
  /** The xDS or debug server could not listen on its address. */
  BindFailed: 'MZ_CONTROL_BIND_FAILED',
  /** A discovery request broke the protocol (no node on the first request, unknown type). */
  InvalidRequest: 'MZ_XDS_INVALID_REQUEST',
  /** A generator failed or produced a resource the Envoy schema refuses (a bug, logged). */
  GenerateFailed: 'MZ_XDS_GENERATE_FAILED',
} as const;

export type ControlErrorCode = (typeof ControlErrorCodes)[keyof typeof ControlErrorCodes];

const CORE: Readonly<Record<ControlErrorCode, ErrorCode>> = {
  MZ_REGISTRY_INVALID: ErrorCodes.InvalidConfigFile,
  MZ_CONTROL_INVALID_OPTION: ErrorCodes.InvalidFlag,
  MZ_CONTROL_BIND_FAILED: ErrorCodes.CommandFailed,
  MZ_XDS_INVALID_REQUEST: ErrorCodes.InvalidFlag,
  MZ_XDS_GENERATE_FAILED: ErrorCodes.CommandFailed,
};

export class ControlPlaneError extends MizzenError {
  readonly controlCode: ControlErrorCode;

  constructor(code: ControlErrorCode, message: string, options?: { cause?: unknown }) {
    super(CORE[code], message, options);
    this.name = 'ControlPlaneError';
    this.controlCode = code;
  }
}
