/** Port protocols as Istio parses them (case-insensitive), and the families validation needs. */
import { str } from '../schema/scalars.ts';
import type { Schema } from '../schema/schema.ts';

const KNOWN = ['HTTP', 'HTTPS', 'GRPC', 'GRPC-WEB', 'HTTP2', 'HTTP_PROXY', 'MONGO', 'TCP', 'TLS', 'REDIS', 'MYSQL', 'UDP'];
const HTTP = new Set(['HTTP', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-WEB']);

export const isHttpProtocol = (p: string | undefined): boolean => HTTP.has((p ?? '').toUpperCase());
export const isTlsProtocol = (p: string | undefined): boolean => ['HTTPS', 'TLS'].includes((p ?? '').toUpperCase());

export const protocol = (): Schema<string> => str({
  check: (p) => (KNOWN.includes(p.toUpperCase()) ? undefined : `unsupported protocol: expected one of ${KNOWN.join(', ')}`),
});
