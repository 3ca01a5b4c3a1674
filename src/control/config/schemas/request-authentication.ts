/** Schema for RequestAuthentication: selector or targetRef(s) and JWT rules (issuer, keys, token locations). */
import { array, object } from '../schema/composites.ts';
import { duration } from '../schema/duration.ts';
import { bool, str } from '../schema/scalars.ts';
import type { ClaimToHeader, JWTHeader, JWTRule, RequestAuthentication } from '../types/request-authentication.ts';
import { targetRef, workloadSelector } from './common.ts';
import { oneSelectorType } from './selection.ts';

const headerName = str({ check: (h) => (/^[-_A-Za-z0-9]+$/.test(h) ? undefined : `header name ${JSON.stringify(h)} is not a valid header name`) });

function jwksUriProblem(uri: string): string | undefined {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return 'jwksUri is not a valid URL';
  }
  return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'jwksUri must use the http or https scheme';
}

function jwksProblem(text: string): string | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && Array.isArray((v as { keys?: unknown }).keys) ? undefined : 'jwks must be a JSON Web Key Set ({"keys": [...]})';
  } catch (err) {
    return `jwks parse error: ${(err as Error).message}`;
  }
}

const jwtRule = object<JWTRule>('JWTRule', {
  issuer: str({ nonEmpty: true }),
  audiences: array(str({ nonEmpty: true })),
  jwksUri: str({ check: jwksUriProblem }),
  jwks: str({ check: jwksProblem }),
  fromHeaders: array(object<JWTHeader>('JWTHeader', { name: headerName, prefix: str() }, { required: ['name'] })),
  fromParams: array(str({ nonEmpty: true })),
  fromCookies: array(str({ nonEmpty: true })),
  outputPayloadToHeader: headerName,
  forwardOriginalToken: bool(),
  outputClaimToHeaders: array(object<ClaimToHeader>('ClaimToHeader', { header: headerName, claim: str({ nonEmpty: true }) },
    { required: ['header', 'claim'] })),
  timeout: duration(),
}, { required: ['issuer'] });

export const requestAuthentication = object<RequestAuthentication>('RequestAuthentication', {
  selector: workloadSelector, targetRef, targetRefs: array(targetRef), jwtRules: array(jwtRule),
}, { rules: [oneSelectorType] });
