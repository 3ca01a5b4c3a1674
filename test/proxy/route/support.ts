/**
 * Helpers for the route tests: a RouteConfiguration from a few virtual hosts (as proto3 JSON,
 * through the real RDS translator), requests with defaults, and a scripted Random.
 */
import type { Json } from '../../../src/control/xds/generator.ts';
import type { RouteConfig } from '../../../src/proxy/route/route-config.ts';
import type { RouteRequest } from '../../../src/proxy/route/select-route.ts';
import { routeTranslator } from '../../../src/proxy/xds/translate/translators.ts';

export function translate(json: Json): RouteConfig {
  return routeTranslator.translate(json);
}

/** One virtual host `vh` on domains ["*"] with the given routes (each needs a match and an action). */
export function config(routes: readonly Json[], extra: Json = {}): RouteConfig {
  return translate({ name: 'test', virtualHosts: [{ name: 'vh', domains: ['*'], routes }], ...extra });
}

export function request(o: Partial<RouteRequest> = {}): RouteRequest {
  return { authority: 'web', path: '/', method: 'GET', scheme: 'http', headers: {}, ...o };
}

/** A Random that returns the values in turn, then the last one forever. */
export function scripted(...values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)] ?? 0;
}
