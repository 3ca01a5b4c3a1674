/**
 * gRPC status codes (grpc/doc/statuscodes.md) by name, and the code a client infers from an
 * HTTP status when a response carries no grpc-status (grpc/doc/http-grpc-status-mapping.md).
 */
export const Status = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
} as const;

const names = new Map<number, string>(Object.entries(Status).map(([name, code]) => [code, name]));

/** "UNAVAILABLE" for 14; "UNKNOWN" for a code gRPC does not define. */
export function statusName(code: number): string {
  return names.get(code) ?? 'UNKNOWN';
}

export function grpcStatusFromHttp(http: number): number {
  switch (http) {
    case 400: return Status.INTERNAL;
    case 401: return Status.UNAUTHENTICATED;
    case 403: return Status.PERMISSION_DENIED;
    case 404: return Status.UNIMPLEMENTED;
    case 429: case 502: case 503: case 504: return Status.UNAVAILABLE;
    default: return Status.UNKNOWN;
  }
}
