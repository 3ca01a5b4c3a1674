/**
 * envoy.config.route.v3.Route -> RouteEntry: the match, exactly one action (route, redirect or
 * direct_response), header edits, decorator, typed_per_filter_config and stat prefix. Also the
 * RedirectAction (scheme/https, host, port, path or prefix/regex rewrite, response code, strip
 * query) and DirectResponseAction (status 200-599, an inline body within the configuration's
 * max_direct_response_body_size_bytes). Filter and non-forwarding actions are refused.
 */
import type { DirectResponseAction, RedirectAction } from '../../route/route-action-config.ts';
import type { ClusterTarget, RouteEntry } from '../../route/route-config.ts';
import { bool, obj, oneOf, str, uint, type At } from './fields.ts';
import { regexRewrite, translateRouteAction } from './route-action.ts';
import { onlyFields } from './route-fields.ts';
import { perFilterConfig } from './route-filter-config.ts';
import { HEADER_FIELDS, headerMutations } from './route-headers.ts';
import { translateRouteMatch } from './route-match.ts';

const REDIRECT_CODES = { MOVED_PERMANENTLY: 301, FOUND: 302, SEE_OTHER: 303, TEMPORARY_REDIRECT: 307, PERMANENT_REDIRECT: 308 } as const;

function redirect(v: unknown, at: At): RedirectAction {
  const r = obj(v, at);
  onlyFields(r, at, ['httpsRedirect', 'schemeRedirect', 'hostRedirect', 'portRedirect', 'pathRedirect', 'prefixRewrite', 'regexRewrite', 'responseCode', 'stripQuery']);
  const https = bool(r['httpsRedirect'], false);
  const scheme = str(r['schemeRedirect'], at.field('schemeRedirect')).toLowerCase();
  if (https && scheme) at.fail('sets both httpsRedirect and schemeRedirect');
  const paths = ['pathRedirect', 'prefixRewrite', 'regexRewrite'].filter((k) => r[k] !== undefined && r[k] !== null);
  if (paths.length > 1) at.fail(`sets more than one of ${paths.join(', ')}`);
  const pathRedirect = r['pathRedirect'] === undefined || r['pathRedirect'] === null ? undefined : str(r['pathRedirect'], at.field('pathRedirect'));
  const port = uint(r['portRedirect'], at.field('portRedirect'), 0);
  if (port > 65535) at.field('portRedirect').fail(`${port} is not a port`);
  const code = oneOf(r['responseCode'], at.field('responseCode'), Object.keys(REDIRECT_CODES) as (keyof typeof REDIRECT_CODES)[], 'MOVED_PERMANENTLY');
  return {
    kind: 'redirect',
    schemeRedirect: https ? 'https' : scheme || undefined,
    hostRedirect: str(r['hostRedirect'], at.field('hostRedirect')) || undefined,
    portRedirect: port || undefined,
    pathRedirect,
    prefixRewrite: r['prefixRewrite'] === undefined || r['prefixRewrite'] === null ? undefined : str(r['prefixRewrite'], at.field('prefixRewrite')),
    regexRewrite: regexRewrite(r['regexRewrite'], at.field('regexRewrite')),
    status: REDIRECT_CODES[code],
    stripQuery: bool(r['stripQuery'], false),
  };
}

function directResponse(v: unknown, at: At, maxBody: number): DirectResponseAction {
  const d = obj(v, at);
  onlyFields(d, at, ['status', 'body']);
  const status = uint(d['status'], at.field('status'), 0);
  if (status < 200 || status > 599) at.field('status').fail(`${status} is outside [200, 599]`);
  const b = obj(d['body'], at.field('body'));
  onlyFields(b, at.field('body'), ['inlineString', 'inlineBytes']);
  const body = b['inlineBytes'] !== undefined && b['inlineBytes'] !== null
    ? Buffer.from(str(b['inlineBytes'], at.field('body.inlineBytes')), 'base64').toString('utf8')
    : str(b['inlineString'], at.field('body.inlineString'));
  if (Buffer.byteLength(body) > maxBody) at.field('body').fail(`is ${Buffer.byteLength(body)} bytes, more than maxDirectResponseBodySizeBytes (${maxBody})`);
  return { kind: 'directResponse', status, body };
}

export function translateRoute(v: unknown, at: At, maxBody: number): RouteEntry {
  const r = obj(v, at);
  onlyFields(r, at, ['name', 'match', 'route', 'redirect', 'directResponse', 'metadata', 'decorator', 'typedPerFilterConfig', ...HEADER_FIELDS,
    'tracing', 'perRequestBufferLimitBytes', 'statPrefix']);
  const name = str(r['name'], at.field('name'));
  const actions = ['route', 'redirect', 'directResponse', 'filterAction', 'nonForwardingAction'].filter((k) => r[k] !== undefined && r[k] !== null);
  if (actions.length !== 1) at.fail(actions.length === 0 ? 'needs an action (route, redirect or directResponse)' : `sets more than one action (${actions.join(', ')})`);
  if (r['filterAction'] !== undefined || r['nonForwardingAction'] !== undefined) at.field(actions[0] as string).fail('is not supported by Mizzen');
  const action = r['route'] !== undefined
    ? translateRouteAction(r['route'], at.field('route'))
    : r['redirect'] !== undefined ? redirect(r['redirect'], at.field('redirect')) : directResponse(r['directResponse'], at.field('directResponse'), maxBody);
  const target: ClusterTarget = action.kind === 'route' ? action.target
    : { kind: 'direct', what: action.kind === 'redirect' ? 'redirect' : 'direct_response', status: action.status };
  const decorator = obj(r['decorator'], at.field('decorator'));
  onlyFields(decorator, at.field('decorator'), ['operation', 'propagate']);
  return {
    name,
    target,
    match: translateRouteMatch(r['match'], at.field('match')),
    action,
    headers: headerMutations(r, at),
    decorator: r['decorator'] === undefined ? undefined : str(decorator['operation'], at.field('decorator.operation'), true),
    perFilter: perFilterConfig(r['typedPerFilterConfig'], at.field('typedPerFilterConfig')),
    statPrefix: str(r['statPrefix'], at.field('statPrefix')),
  };
}
