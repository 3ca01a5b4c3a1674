/** What the traffic matrix's suites share to build requests and read answers. */
import type { Answer, Exchange } from './mesh-driver.ts';

export const CLIENT = 'client.traffic';
export const SERVER = 'http://server:8080';

/** A GET of path on base (the server's http port by default) with these headers. */
export const get = (path: string, headers: Record<string, string> = {}, base = SERVER): Exchange => ({ url: `${base}${path}`, headers });

/** The route a request took, as the match scenario's routes name themselves (x-route). */
export const route = (a: Answer): string => a.headers['x-route'] ?? `(no x-route: ${a.status} ${a.body.slice(0, 200)})`;

export const count = <T>(xs: readonly T[]): Map<T, number> => {
  const m = new Map<T, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
};
