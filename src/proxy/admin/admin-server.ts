/**
 * Envoy's admin interface on 127.0.0.1:15000: /ready, /stats (text, json, prometheus),
 * /clusters, /listeners, /config_dump, /memory, /server_info, /logging, and the POST actions
 * /quitquitquit and /drain_listeners.
 */
import { HttpServer, json, text, type HttpReply, type Route } from '../core/http-server.ts';
import type { Logger } from '../../core/log.ts';
import { renderJson, renderPrometheus, renderText, type StatsQuery } from '../stats/render.ts';
import type { AdminContext } from './admin-context.ts';
import { clustersHandler } from './clusters.ts';
import { configDumpHandler } from './config-dump.ts';
import { listenersHandler } from './listeners.ts';
import { loggingHandler } from './logging.ts';
import { memoryHandler, serverInfoHandler } from './memory.ts';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function statsQuery(url: URL): StatsQuery {
  const f = url.searchParams.get('filter');
  let filter: RegExp | undefined;
  try {
    filter = f ? new RegExp(f) : undefined;
  } catch {
    filter = /$^/;
  }
  return { filter, usedOnly: url.searchParams.has('usedonly') };
}

export function createAdminServer(ctx: AdminContext, log: Logger): HttpServer {
  const ready = (): HttpReply => text(ctx.status.live ? 200 : 503, `${ctx.status.name}\n`);
  const stats = (_req: unknown, url: URL): HttpReply => {
    const entries = ctx.store.entries();
    if (url.searchParams.get('format') === 'json') return { ...json(200, {}), body: renderJson(entries, statsQuery(url)) };
    if (url.searchParams.get('format') === 'prometheus') return text(200, renderPrometheus(entries, statsQuery(url)), PROMETHEUS_CONTENT_TYPE);
    return text(200, renderText(entries, statsQuery(url)));
  };
  const routes: Route[] = [
    { path: '/ready', handler: ready },
    { path: '/stats', handler: stats },
    { path: '/stats/prometheus', handler: (_r, url) => text(200, renderPrometheus(ctx.store.entries(), statsQuery(url)), PROMETHEUS_CONTENT_TYPE) },
    { path: '/clusters', handler: clustersHandler(ctx) },
    { path: '/listeners', handler: listenersHandler(ctx) },
    { path: '/config_dump', handler: configDumpHandler(() => ctx.configDump()) },
    { path: '/memory', handler: memoryHandler },
    { path: '/server_info', handler: serverInfoHandler(ctx) },
    { path: '/logging', methods: ['GET', 'POST'], handler: loggingHandler(ctx) },
    {
      path: '/quitquitquit', methods: ['POST'], handler: () => {
        setImmediate(() => ctx.quit());
        return text(200, 'OK\n');
      },
    },
    {
      path: '/drain_listeners', methods: ['POST'], handler: (_r, url) => {
        ctx.drainListeners(url.searchParams.has('inboundonly'));
        return text(200, 'OK\n');
      },
    },
  ];
  return new HttpServer(routes, (err) => log.error(`admin: ${(err as Error).message ?? String(err)}`));
}
