/**
 * Error codes of the one-host runtime, beside the catalogue in core/errors.ts. Every message
 * names the resource (kind namespace/name), the field path and the value, or the pod and the
 * reason, so that a failed `mizzen up` says what to fix.
 */
import { MizzenError, type ErrorCode } from '../core/errors.ts';

export const RuntimeErrors = {
  /** A manifest could not be read, parsed or validated; nothing was applied. */
  InvalidManifest: 'MZ_INVALID_MANIFEST',
  /** An apply conflicts with what the running mesh already has. */
  Conflict: 'MZ_CONFLICT',
  /** A pod did not become ready: its sandbox failed, a container crashed, or time ran out. */
  PodFailed: 'MZ_POD_FAILED',
  /** No mesh is running in the state directory (or it does not answer). */
  NoMesh: 'MZ_NO_MESH',
  /** A named object (pod, service, container) does not exist. */
  NotFound: 'MZ_NOT_FOUND',
  /** Setting up the node or a pod (namespaces, links, rules) failed. */
  Setup: 'MZ_SETUP_FAILED',
} as const;

export type RuntimeErrorCode = (typeof RuntimeErrors)[keyof typeof RuntimeErrors];

/**
 * A MizzenError with a runtime code. core's ErrorCode union lists only core's codes and core is
 * not ours to edit, so the code is widened here, in this one place.
 */
export function runtimeError(code: RuntimeErrorCode, message: string, options?: { cause?: unknown; exitCode?: number }): MizzenError {
  return new MizzenError(code as unknown as ErrorCode, message, options);
}
