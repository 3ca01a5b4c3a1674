/**
 * TCP bulk throughput: one iperf3 stream from the client pod to the Service's iperf3 port,
 * client and server pinned to the load CPU; the receiver's rate from iperf3's JSON.
 */
import type { Netns } from './netns.ts';

export interface BulkResult {
  readonly seconds: number;
  readonly gbitsPerSecond: number;
  readonly retransmits: number;
}

interface IperfJson {
  error?: string;
  end?: { sum_received?: { bits_per_second?: number; seconds?: number }; sum_sent?: { retransmits?: number } };
}

export async function runBulk(pod: Netns, host: string, port: number, seconds: number, cpus: string, uid: number): Promise<BulkResult> {
  const res = await pod.run(['iperf3', '-c', host, '-p', String(port), '-t', String(seconds), '-J'], { cpus, uid });
  let json: IperfJson = {};
  try {
    json = JSON.parse(res.stdout) as IperfJson;
  } catch {
    // reported below
  }
  const bps = json.end?.sum_received?.bits_per_second;
  if (res.code !== 0 || bps === undefined) throw new Error(`iperf3 failed (${res.code}): ${json.error ?? res.stderr.trim()}`);
  return { seconds: json.end?.sum_received?.seconds ?? seconds, gbitsPerSecond: bps / 1e9, retransmits: json.end?.sum_sent?.retransmits ?? 0 };
}
