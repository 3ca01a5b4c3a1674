/**
 * Admin `/logging`: GET lists Envoy's component loggers and their levels; POST `?level=debug`
 * sets every logger, POST `?<component>=<level>` one of them.
 */
import type { IncomingMessage } from 'node:http';
import { components, envoyLevels, isEnvoyLevel, type Component } from '../core/log-levels.ts';
import { text, type HttpReply } from '../core/http-server.ts';
import type { AdminContext } from './admin-context.ts';

const isComponent = (s: string): s is Component => (components as readonly string[]).includes(s);

export function loggingHandler(ctx: AdminContext) {
  const list = (): string => `active loggers:\n${ctx.logLevels.entries().map(([c, l]) => `  ${c}: ${l}\n`).join('')}`;
  return (req: IncomingMessage, url: URL): HttpReply => {
    const params = [...url.searchParams.entries()];
    if (params.length === 0) return text(200, list());
    if (req.method !== 'POST') return text(405, 'changing log levels needs POST\n');
    for (const [k, v] of params) {
      if (!isEnvoyLevel(v)) return text(400, `error: unknown logger level ${JSON.stringify(v)}; levels are ${envoyLevels.join(', ')}\n`);
      if (k === 'level') ctx.logLevels.set(v);
      else if (isComponent(k)) ctx.logLevels.set(v, k);
      else return text(400, `error: unknown logger ${JSON.stringify(k)}\n`);
    }
    return text(200, list());
  };
}
