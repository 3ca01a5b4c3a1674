/**
 * The Location of a redirect route, as Envoy builds it (Http::Utility::newUri): scheme from
 * scheme_redirect / https_redirect, else the request's; host from host_redirect, else the
 * request's authority, dropping its port when a port_redirect is set or when the scheme changes
 * and the port was the old scheme's default; the path from path_redirect (keeping the request's
 * query unless the new path has one), or the request path after prefix/regex rewrite; a leading
 * "/" ensured; strip_query last. A direct response with 201 or a 3xx status also gets a
 * Location: the request's own URL.
 */
import type { RouteEntry } from './route-config.ts';
import type { RouteRequest } from './request-view.ts';
import { rewritePath } from './route-rewrite.ts';

export interface RedirectResult {
  readonly status: number;
  /** undefined for a direct response that takes no Location. */
  readonly location: string | undefined;
}

function requestHost(authority: string, newScheme: string, newPort: string, requestScheme: string): string {
  const colon = authority.startsWith('[') ? authority.lastIndexOf(']:') + 1 : authority.lastIndexOf(':');
  if (colon <= 0) return authority;
  const port = authority.slice(colon);
  let remove = newPort !== '';
  if (newScheme !== requestScheme) remove ||= (requestScheme === 'https' && port === ':443') || (requestScheme === 'http' && port === ':80');
  return remove ? authority.slice(0, colon) : authority;
}

/** The status and Location of a redirect (or direct response) route; undefined for a forwarding route. */
export function redirectLocation(route: RouteEntry, req: RouteRequest): RedirectResult | undefined {
  const a = route.action;
  if (a.kind === 'route') return undefined;
  if (a.kind === 'directResponse') {
    const located = a.status === 201 || (a.status >= 300 && a.status < 400);
    return { status: a.status, location: located ? `${req.scheme}://${req.authority}${req.path.startsWith('/') ? '' : '/'}${req.path}` : undefined };
  }
  const scheme = a.schemeRedirect ?? req.scheme;
  const port = a.portRedirect !== undefined ? `:${a.portRedirect}` : '';
  const host = a.hostRedirect ?? requestHost(req.authority, scheme, port, req.scheme);
  let path: string;
  let pathHasQuery = false;
  if (a.pathRedirect !== undefined && a.pathRedirect !== '') {
    pathHasQuery = a.pathRedirect.includes('?');
    const q = req.path.indexOf('?');
    path = pathHasQuery || q < 0 ? a.pathRedirect : a.pathRedirect + req.path.slice(q);
  } else path = rewritePath(route, req.path) ?? req.path;
  if (!path.startsWith('/')) path = `/${path}`;
  if (!pathHasQuery && a.stripQuery) {
    const q = path.indexOf('?');
    if (q >= 0) path = path.slice(0, q);
  }
  return { status: a.status, location: `${scheme}://${host}${port}${path}` };
}
