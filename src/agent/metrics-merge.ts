/**
 * The agent's merged `/stats/prometheus` (and `/metrics`) on 15020, as pilot-agent serves it:
 * the agent's own istio_agent_* metrics, then the proxy's 15090 output, then the app's metrics
 * from ISTIO_PROMETHEUS_ANNOTATIONS (port/path, scraped on localhost). A failed part is logged
 * and counted (istio_agent_scrape_failures_total) but never fails the scrape; the app's part
 * goes last, since an OpenMetrics body ends with `# EOF`.
 */
import { request, type IncomingMessage } from 'node:http';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { invalidFlag } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import type { HttpReply } from '../proxy/core/http-server.ts';

export interface PrometheusScrape {
  readonly path: string;
  readonly port: string;
}

const TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/** Parses ISTIO_PROMETHEUS_ANNOTATIONS; undefined when unset or `scrape` is "false". */
export function parsePrometheusAnnotations(text: string, source: string): PrometheusScrape | undefined {
  if (text.trim() === '') return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw invalidFlag(source, text, `not valid JSON: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalidFlag(source, text, 'expected a JSON object {"scrape","path","port"}');
  const o = doc as Record<string, unknown>;
  if (o['scrape'] === 'false') return undefined;
  const port = o['port'] === undefined || o['port'] === '' ? '80' : String(o['port']);
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) throw invalidFlag(source, text, `port ${JSON.stringify(o['port'])} is not a port number`);
  const path = typeof o['path'] === 'string' && o['path'] !== '' ? o['path'] : '/metrics';
  return { path: path.startsWith('/') ? path : `/${path}`, port };
}

export interface MetricsMergerOptions {
  readonly proxyPrometheus: (url: URL) => string;
  readonly scrape: PrometheusScrape | undefined;
  readonly log: Logger;
}

export class MetricsMerger {
  readonly registry = new Registry();
  private readonly scrapes: Counter;
  private readonly failures: Counter;
  private readonly opts: MetricsMergerOptions;

  constructor(opts: MetricsMergerOptions) {
    this.opts = opts;
    collectDefaultMetrics({ register: this.registry, prefix: 'istio_agent_' });
    this.scrapes = new Counter({ name: 'istio_agent_scrapes_total', help: 'The total number of scrapes.', registers: [this.registry] });
    this.failures = new Counter({ name: 'istio_agent_scrape_failures_total', help: 'The total number of failed scrapes.', labelNames: ['type'], registers: [this.registry] });
  }

  async handle(req: IncomingMessage, url: URL): Promise<HttpReply> {
    this.scrapes.inc();
    // Gather the proxy's and the app's parts first, so this scrape's failures are in the agent's part.
    let envoy = '';
    try {
      envoy = this.opts.proxyPrometheus(url);
    } catch (err) {
      this.fail('envoy', err);
    }
    let app: { body: string; contentType: string } | undefined;
    if (this.opts.scrape) {
      try {
        app = await this.scrapeApp(this.opts.scrape, req);
      } catch (err) {
        this.fail('application', err);
      }
    }
    let agent = '';
    try {
      agent = await this.registry.metrics();
    } catch (err) {
      this.fail('agent', err);
    }
    const contentType = app && app.contentType.startsWith('application/openmetrics-text') ? app.contentType : TEXT;
    return { status: 200, contentType, body: `${agent}${agent.endsWith('\n') || agent === '' ? '' : '\n'}${envoy}${app?.body ?? ''}` };
  }

  private fail(type: 'agent' | 'envoy' | 'application', err: unknown): void {
    this.failures.inc({ type });
    this.opts.log.error(`failed scraping ${type} metrics: ${(err as Error).message ?? String(err)}`);
  }

  private scrapeApp(s: PrometheusScrape, incoming: IncomingMessage): Promise<{ body: string; contentType: string }> {
    const headers: Record<string, string> = { host: `localhost:${s.port}` };
    for (const h of ['accept', 'user-agent', 'x-prometheus-scrape-timeout-seconds']) {
      const v = incoming.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const timeoutS = Number(headers['x-prometheus-scrape-timeout-seconds']);
    const timeoutMs = Number.isFinite(timeoutS) && timeoutS > 0 ? timeoutS * 1000 : 10_000;
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: Number(s.port), path: s.path, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          clearTimeout(timer);
          if (res.statusCode !== 200) reject(new Error(`error scraping http://localhost:${s.port}${s.path}, status code: ${res.statusCode}`));
          else resolve({ body: Buffer.concat(chunks).toString(), contentType: String(res.headers['content-type'] ?? TEXT) });
        });
      });
      const timer = setTimeout(() => req.destroy(new Error('scrape timed out')), timeoutMs);
      req.on('error', (err) => { clearTimeout(timer); reject(err); });
      req.end();
    });
  }
}
