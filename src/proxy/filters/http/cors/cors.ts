/**
 * Envoy's CORS filter (envoy.filters.http.cors) with the route's policy, as Istio writes it from
 * a VirtualService `corsPolicy`: a preflight (OPTIONS with Origin and
 * Access-Control-Request-Method) from an allowed origin is answered here with the allowed
 * methods, headers, max age and credentials; an actual request from an allowed origin gets
 * Access-Control-Allow-Origin (and credentials, exposed headers) on its response. Origins that
 * do not match get no CORS headers; the browser then refuses the response.
 */
import type { Random } from '../../../core/random.ts';
import { CORS_FILTER, type CorsPolicy } from '../../../route/filter-config.ts';
import { fractionHit } from '../../../route/fraction.ts';
import { matchString } from '../../../route/string-matcher.ts';
import type { HeaderMap } from '../../../core/http-stream-info.ts';
import type { HttpFilter, HttpFilterFactory } from '../http-filter.ts';

const one = (h: HeaderMap, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

function allowed(p: CorsPolicy, origin: string): boolean {
  return p.allowOriginStringMatch.some((m) => matchString(m, origin));
}

export function corsFilter(random: Random): HttpFilterFactory {
  return {
    name: CORS_FILTER,
    create(): HttpFilter {
      let origin: string | undefined;
      let policy: CorsPolicy | undefined;
      return {
        name: CORS_FILTER,
        decodeHeaders(headers, cb) {
          const p = cb.perFilterConfig<CorsPolicy>(CORS_FILTER);
          const o = one(headers, 'origin');
          if (!p || o === undefined || !fractionHit(p.filterEnabled, random) || !allowed(p, o)) return 'continue';
          policy = p;
          origin = o;
          if (cb.info.method !== 'OPTIONS' || one(headers, 'access-control-request-method') === undefined) return 'continue';
          const out: HeaderMap = { 'access-control-allow-origin': o };
          if (p.allowCredentials) out['access-control-allow-credentials'] = 'true';
          if (p.allowMethods) out['access-control-allow-methods'] = p.allowMethods;
          if (p.allowHeaders) out['access-control-allow-headers'] = p.allowHeaders;
          if (p.maxAge) out['access-control-max-age'] = p.maxAge;
          cb.sendLocalReply({ status: 200, headers: out, details: 'cors_response' });
          return 'stop';
        },
        encodeHeaders(_status, headers) {
          if (!policy || origin === undefined || headers['access-control-allow-origin'] !== undefined) return;
          headers['access-control-allow-origin'] = origin;
          if (policy.allowCredentials) headers['access-control-allow-credentials'] = 'true';
          if (policy.exposeHeaders) headers['access-control-expose-headers'] = policy.exposeHeaders;
        },
      };
    },
  };
}
