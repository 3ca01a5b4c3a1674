/**
 * The two static listeners Istio adds beside admin: 0.0.0.0:15021 answering `/healthz/ready`
 * (200 when LIVE, 503 before and while draining) and 0.0.0.0:15090 serving
 * `/stats/prometheus` for Prometheus to scrape.
 */
import type { Logger } from '../../core/log.ts';
import { HttpServer, text } from '../core/http-server.ts';
import type { ServerStatus } from '../core/server-state.ts';
import { renderPrometheus } from '../stats/render.ts';
import type { StatsStore } from '../stats/store.ts';
import { PROMETHEUS_CONTENT_TYPE, statsQuery } from './admin-server.ts';

export function createReadinessServer(status: ServerStatus, log: Logger): HttpServer {
  return new HttpServer([
    { path: '/healthz/ready', handler: () => text(status.live ? 200 : 503, '') },
  ], (err) => log.error(`readiness listener: ${String(err)}`));
}

/** The proxy's Prometheus text, as 15090 serves it (the agent's merged scrape reuses this). */
export const proxyPrometheus = (store: StatsStore, url?: URL): string =>
  renderPrometheus(store.entries(), url ? statsQuery(url) : {});

export function createPrometheusServer(store: StatsStore, log: Logger): HttpServer {
  return new HttpServer([
    { path: '/stats/prometheus', handler: (_r, url) => text(200, proxyPrometheus(store, url), PROMETHEUS_CONTENT_TYPE) },
  ], (err) => log.error(`prometheus listener: ${String(err)}`));
}
