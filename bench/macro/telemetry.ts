/**
 * Proof that the Mizzen sidecars worked at L7 during the run: each side's access-log lines
 * counted by protocol (`"GET /1k HTTP/1.1"`, `HTTP/2`, and `- - -` for TCP connections) and the
 * sum of istio_requests_total from its Prometheus endpoint (15090), scraped inside the pod.
 */
import { readFileSync } from 'node:fs';
import type { L7Telemetry } from '../report/types.ts';
import type { Netns } from './netns.ts';

export function countAccessLog(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^\[[^\]]*\] "(?:- - -|[A-Z]+ \S+ (HTTP\/[\d.]+))"/.exec(line);
    const key = m ? (m[1] ?? 'tcp') : 'other';
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

export function sumRequestsTotal(prometheus: string): number {
  let sum = 0;
  for (const line of prometheus.split('\n')) {
    if (!line.startsWith('istio_requests_total{')) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return sum;
}

export interface Side { readonly pod: Netns; readonly accessLog: string }

export function readTelemetry(client: Side, server: Side): L7Telemetry {
  const log = (s: Side): Record<string, number> => {
    try {
      return countAccessLog(readFileSync(s.accessLog, 'utf8'));
    } catch {
      return {};
    }
  };
  const total = (s: Side): number => sumRequestsTotal(s.pod.tryExec(['curl', '-s', '--max-time', '5', 'http://127.0.0.1:15090/stats/prometheus']).stdout);
  return { accessLogLines: { client: log(client), server: log(server) }, requestsTotal: { client: total(client), server: total(server) } };
}
