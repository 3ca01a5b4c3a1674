/**
 * Which hosts a load balancer chooses among: Envoy's priority levels without overprovisioning
 * spill-over. The lowest priority that has a healthy host wins; when no priority has one, the
 * lowest with a degraded host; otherwise none (the connection ends with UH).
 */
import { usability, type Usability } from './health.ts';
import type { HealthStatus } from './endpoint-config.ts';

export interface Prioritised {
  readonly priority: number;
  readonly health: HealthStatus;
}

function lowest<H extends Prioritised>(hosts: readonly H[], want: Usability): readonly H[] {
  let best: number | undefined;
  for (const h of hosts) if (usability(h.health) === want && (best === undefined || h.priority < best)) best = h.priority;
  return best === undefined ? [] : hosts.filter((h) => h.priority === best && usability(h.health) === want);
}

export function pickableHosts<H extends Prioritised>(hosts: readonly H[]): readonly H[] {
  const healthy = lowest(hosts, 'healthy');
  return Object.freeze(healthy.length > 0 ? [...healthy] : [...lowest(hosts, 'degraded')]);
}
