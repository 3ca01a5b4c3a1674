/**
 * Envoy's path rewrites, for forwarded routes and for redirects alike: prefix_rewrite replaces
 * the part of :path the route matched (its prefix or exact path, the whole path for a regex
 * route, with the same length when case-insensitive) and keeps the rest, query included;
 * regex_rewrite replaces every match in the path without query string, with RE2's `\N`
 * substitution, and keeps the query string. undefined when the route rewrites nothing.
 */
import type { RegexRewrite } from './route-action-config.ts';
import type { RouteEntry } from './route-config.ts';
import { pathOnly } from './request-view.ts';

const globals = new WeakMap<RegExp, RegExp>();

function globalOf(r: RegExp): RegExp {
  let g = globals.get(r);
  if (!g) {
    g = new RegExp(r.source, `${r.flags}g`);
    globals.set(r, g);
  }
  return g;
}

/** RE2 GlobalReplace: `\0`..`\9` are the match and its groups, `\\` a backslash. */
export function regexReplaceAll(rw: RegexRewrite, input: string): string {
  return input.replace(globalOf(rw.regex), (...args: unknown[]) => {
    let out = '';
    const s = rw.substitution;
    for (let i = 0; i < s.length; i++) {
      const c = s[i] as string;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const n = s[++i];
      if (n === '\\') out += '\\';
      else if (n !== undefined) out += (args[Number(n)] as string | undefined) ?? '';
    }
    return out;
  });
}

export function rewritePath(route: RouteEntry, path: string): string | undefined {
  const a = route.action;
  if (a.kind === 'directResponse') return undefined;
  if (a.prefixRewrite !== undefined) {
    const m = route.match.path;
    const matched = m.kind === 'safeRegex' ? pathOnly(path).length : m.value.length;
    return a.prefixRewrite + path.slice(matched);
  }
  if (a.regexRewrite) {
    const just = pathOnly(path);
    return regexReplaceAll(a.regexRewrite, just) + path.slice(just.length);
  }
  return undefined;
}
