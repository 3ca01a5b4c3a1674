/**
 * h2load (nghttp2-client) at a fixed rate: `--rps` is per connection, so 1000 rps over 4
 * connections is `-c4 --rps 250`. HTTP/1.1 with --h1, else h2c with prior knowledge. The
 * per-request times come from --log-file (third column, microseconds). h2load paces each
 * connection by its own timer (a fractional rate such as 62.5 works) and measures from when a request is sent, not when it was due
 * (no coordinated-omission correction, unlike wrk2); at these rates a connection rarely waits.
 * gRPC unary: h2c POSTs of a length-prefixed message from a file (-d), with `content-type:
 * application/grpc` and `te: trailers`; h2load counts the HTTP status (gRPC's own status is in the
 * trailers, which the harness checks with a real client and in the sidecars' metrics).
 */
import { readFileSync } from 'node:fs';
import type { Netns } from './netns.ts';
import { summarize, type Latency } from './percentiles.ts';

export interface RateRun {
  readonly url: string;
  readonly connections: number;
  readonly totalRps: number;
  readonly seconds: number;
  readonly h1: boolean;
  /** gRPC unary: the request body file (a framed message); POSTed over h2c with gRPC's headers. */
  readonly grpcBody?: string;
  readonly logFile: string;
  readonly cpus: string;
  readonly uid: number;
}

export interface RateResult {
  readonly connections: number;
  readonly targetRps: number;
  readonly achievedRps: number;
  readonly seconds: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly latencyUs: Latency;
}

const num = (re: RegExp, text: string): number => Number(re.exec(text)?.[1] ?? NaN);

export function parseH2loadSummary(out: string): { done: number; succeeded: number; failed: number; errored: number; timeout: number; reqPerSec: number; seconds: number } {
  return {
    done: num(/(\d+) done/, out),
    succeeded: num(/(\d+) succeeded/, out),
    failed: num(/(\d+) failed/, out),
    errored: num(/(\d+) errored/, out),
    timeout: num(/(\d+) timeout/, out),
    reqPerSec: num(/finished in [\d.]+m?s, ([\d.]+) req\/s/, out),
    seconds: num(/finished in ([\d.]+)s/, out),
  };
}

/** Per-request times (µs) of the 2xx responses in an h2load --log-file. */
export function parseLogFile(text: string): number[] {
  const out: number[] = [];
  for (const line of text.split('\n')) {
    const cols = line.split('\t');
    if (cols.length < 3 || !(cols[1] ?? '').startsWith('2')) continue;
    out.push(Number(cols[2]));
  }
  return out;
}

export async function runAtRate(pod: Netns, r: RateRun): Promise<RateResult> {
  const perConn = r.totalRps / r.connections;
  const grpc = r.grpcBody === undefined ? [] : ['-d', r.grpcBody, '-H', 'content-type: application/grpc', '-H', 'te: trailers'];
  const args = ['h2load', ...(r.h1 ? ['--h1'] : []), ...grpc, '-c', String(r.connections), '-t', '1', '-m', '1', '--rps', String(perConn),
    '-D', String(r.seconds), '--log-file', r.logFile, r.url];
  const res = await pod.run(args, { cpus: r.cpus, uid: r.uid });
  const s = parseH2loadSummary(res.stdout);
  if (res.code !== 0 || !(s.succeeded > 0)) throw new Error(`h2load failed (${res.code}): ${res.stderr.trim()} ${res.stdout.slice(-600)}`);
  const times = parseLogFile(readFileSync(r.logFile, 'utf8'));
  return {
    connections: r.connections, targetRps: r.totalRps, achievedRps: s.reqPerSec, seconds: s.seconds,
    succeeded: s.succeeded, failed: s.failed + s.errored + s.timeout, latencyUs: summarize(times),
  };
}
