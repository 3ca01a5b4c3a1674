/**
 * The TrafficPolicy in force for one cluster, merged as Istio merges it: the DestinationRule's
 * policy, overridden field by field (loadBalancer, connectionPool, outlierDetection, tls) by its
 * portLevelSettings for the port, then by the subset's policy and the subset's port settings.
 */
import type { Subset } from '../../config/types/destination-rule.ts';
import type { DestinationRule } from '../../config/types/destination-rule.ts';
import type { PortTrafficPolicy, TrafficPolicy } from '../../config/types/traffic-policy.ts';

export type EffectivePolicy = Pick<PortTrafficPolicy, 'loadBalancer' | 'connectionPool' | 'outlierDetection' | 'tls'>;

function overlay(base: EffectivePolicy, top: EffectivePolicy | undefined): EffectivePolicy {
  if (!top) return base;
  return {
    ...base,
    ...(top.loadBalancer ? { loadBalancer: top.loadBalancer } : {}),
    ...(top.connectionPool ? { connectionPool: top.connectionPool } : {}),
    ...(top.outlierDetection ? { outlierDetection: top.outlierDetection } : {}),
    ...(top.tls ? { tls: top.tls } : {}),
  };
}

function withPort(policy: TrafficPolicy | undefined, port: number): EffectivePolicy {
  if (!policy) return {};
  const { loadBalancer, connectionPool, outlierDetection, tls } = policy;
  const base: EffectivePolicy = { ...(loadBalancer ? { loadBalancer } : {}), ...(connectionPool ? { connectionPool } : {}),
    ...(outlierDetection ? { outlierDetection } : {}), ...(tls ? { tls } : {}) };
  return overlay(base, policy.portLevelSettings?.find((p) => p.port?.number === port));
}

export function effectivePolicy(rule: DestinationRule | undefined, port: number, subset?: Subset): EffectivePolicy {
  const base = withPort(rule?.trafficPolicy, port);
  return subset?.trafficPolicy ? overlay(base, withPort(subset.trafficPolicy, port)) : base;
}
