/** The `when` keys AuthorizationPolicy understands, and the values the address and port keys take. */
import { cidrProblem } from '../schema/names.ts';

const EXACT = new Set(['source.ip', 'remote.ip', 'source.namespace', 'source.principal', 'source.serviceAccount',
  'request.auth.principal', 'request.auth.audiences', 'request.auth.presenter', 'destination.ip', 'destination.port', 'connection.sni']);
const IP_KEYS = new Set(['source.ip', 'remote.ip', 'destination.ip']);

export function conditionKeyProblem(key: string): string | undefined {
  if (EXACT.has(key)) return undefined;
  if (/^request\.headers\[[^\]]+\]$/.test(key)) return undefined;
  if (/^request\.auth\.claims(\[[^\]]+\])+$/.test(key)) return undefined;
  if (key.startsWith('experimental.envoy.filters.')) return undefined;
  return `unknown attribute ${JSON.stringify(key)} (expected source.ip, remote.ip, source.namespace, source.principal, `
    + 'request.headers[...], request.auth.claims[...], destination.ip, destination.port, connection.sni, ...)';
}

export function conditionValueProblem(key: string, value: string): string | undefined {
  if (IP_KEYS.has(key)) return cidrProblem(value);
  if (key === 'destination.port') return /^\d{1,5}$/.test(value) && Number(value) <= 65535 ? undefined : 'expected a port number from 0 to 65535';
  return undefined;
}
