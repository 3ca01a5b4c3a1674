/**
 * EDS health as Envoy applies it: HEALTHY and UNKNOWN hosts are picked, DEGRADED ones only when
 * no host of the cluster is healthy, UNHEALTHY, DRAINING and TIMEOUT never. The health_flags
 * string is what admin /clusters prints for a host.
 */
import type { HealthStatus } from './endpoint-config.ts';

export type Usability = 'healthy' | 'degraded' | 'excluded';

export function usability(h: HealthStatus): Usability {
  if (h === 'HEALTHY' || h === 'UNKNOWN') return 'healthy';
  if (h === 'DEGRADED') return 'degraded';
  return 'excluded';
}

/** Envoy's health_flags: `healthy`, or the set flags each written as `/<flag>`. */
export function healthFlags(h: HealthStatus): string {
  switch (h) {
    case 'HEALTHY':
    case 'UNKNOWN':
      return 'healthy';
    case 'DEGRADED':
      return '/degraded_eds_health';
    case 'DRAINING':
      return '/eds_status_draining';
    default:
      return '/failed_eds_health';
  }
}

const statuses: readonly HealthStatus[] = ['UNKNOWN', 'HEALTHY', 'UNHEALTHY', 'DRAINING', 'TIMEOUT', 'DEGRADED'];

export const isHealthStatus = (s: unknown): s is HealthStatus => typeof s === 'string' && (statuses as readonly string[]).includes(s);
