/**
 * Saturation throughput: wrk, closed loop (each connection sends its next request as soon as
 * the previous answer arrives), one thread, pinned with the server to the load CPU.
 */
import type { Netns } from './netns.ts';

export interface SaturationResult {
  readonly connections: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly errors: number;
}

export function parseWrk(out: string): { rps: number; errors: number } {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return { rps, errors: non2xx + socketErrors };
}

export async function runSaturation(pod: Netns, url: string, connections: number, seconds: number, cpus: string, uid: number): Promise<SaturationResult> {
  const res = await pod.run(['wrk', '-t1', `-c${connections}`, `-d${seconds}s`, url], { cpus, uid });
  const w = parseWrk(res.stdout);
  if (res.code !== 0 || !(w.rps > 0)) throw new Error(`wrk failed (${res.code}): ${res.stderr.trim()} ${res.stdout.slice(-400)}`);
  return { connections, seconds, requestsPerSecond: w.rps, errors: w.errors };
}
