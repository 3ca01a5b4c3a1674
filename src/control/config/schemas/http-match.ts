/** Schema for HTTPMatchRequest: string matches, header and query maps, port, source, gateways. */
import { array, map, object } from '../schema/composites.ts';
import { dnsLabelProblem } from '../schema/names.ts';
import { bool, port, str } from '../schema/scalars.ts';
import type { HTTPMatchRequest } from '../types/http-match.ts';
import { gatewayName, labels, stringMatch } from './common.ts';

const CLAIM = '@request.auth.claims.';
const headerKey = (name: string): string | undefined => {
  if (name === '') return 'header name cannot be empty';
  if (name.startsWith(CLAIM) && name.length > CLAIM.length) return undefined;
  return /^[-_A-Za-z0-9]+$/.test(name) ? undefined : `header name ${JSON.stringify(name)} is not a valid header name`;
};

export const httpMatch = object<HTTPMatchRequest>('HTTPMatchRequest', {
  name: str(),
  uri: stringMatch,
  scheme: stringMatch,
  method: stringMatch,
  authority: stringMatch,
  headers: map(stringMatch, { key: headerKey }),
  withoutHeaders: map(stringMatch, { key: headerKey }),
  queryParams: map(stringMatch),
  port: port(),
  sourceLabels: labels(),
  sourceNamespace: str({ check: dnsLabelProblem }),
  gateways: array(gatewayName),
  ignoreUriCase: bool(),
  statPrefix: str(),
});
