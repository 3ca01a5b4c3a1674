/**
 * Proof that the Mizzen sidecars worked at L7 during the run: each side's access-log lines
 * counted by protocol (`"GET /1k HTTP/1.1"`, `HTTP/2`, `gRPC` for the gRPC app's path, and `- - -`
 * for TCP connections), the sum of istio_requests_total from its Prometheus endpoint (15090),
 * scraped inside the pod, and the part of it with grpc_response_status="0" (gRPC successes).
 */
import { readFileSync } from 'node:fs';
import type { L7Telemetry } from '../report/types.ts';
import { GRPC_PATH } from './grpc-app.ts';
import type { Netns } from './netns.ts';

export function countAccessLog(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^\[[^\]]*\] "(?:- - -|[A-Z]+ (\S+) (HTTP\/[\d.]+))"/.exec(line);
    const key = !m ? 'other' : m[2] === undefined ? 'tcp' : m[1] === GRPC_PATH ? 'gRPC' : m[2];
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** The sum of istio_requests_total; with `label`, only the series that carry it (e.g. `grpc_response_status="0"`). */
export function sumRequestsTotal(prometheus: string, label?: string): number {
  let sum = 0;
  for (const line of prometheus.split('\n')) {
    if (!line.startsWith('istio_requests_total{')) continue;
    if (label !== undefined && !line.includes(label)) continue;
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
  const scrape = (s: Side): string => s.pod.tryExec(['curl', '-s', '--max-time', '5', 'http://127.0.0.1:15090/stats/prometheus']).stdout;
  const [c, sv] = [scrape(client), scrape(server)];
  return {
    accessLogLines: { client: log(client), server: log(server) },
    requestsTotal: { client: sumRequestsTotal(c), server: sumRequestsTotal(sv) },
    grpcOk: { client: sumRequestsTotal(c, 'grpc_response_status="0"'), server: sumRequestsTotal(sv, 'grpc_response_status="0"') },
  };
}
