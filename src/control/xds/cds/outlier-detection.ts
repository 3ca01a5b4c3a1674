/**
 * OutlierDetection -> Envoy's outlierDetection (Istio's applyOutlierDetection): consecutive5xx
 * and consecutiveGatewayErrors enforced at 100%, the deprecated consecutiveErrors (502/503/504)
 * as gateway failures, local-origin failures (only with splitExternalLocalOriginErrors, then with
 * local-origin success rate off), interval, baseEjectionTime, maxEjectionPercent; success-rate
 * ejection off; commonLbConfig.healthyPanicThreshold = minHealthPercent, set even when 0 (Istio
 * turns Envoy's 50% panic threshold off by default: few pods per service).
 */
import type { OutlierDetection } from '../../config/types/connection-pool.ts';
import type { Json } from '../generator.ts';
import { compact, protoDuration } from '../type-config.ts';

const enforce = (n: number | undefined): number | undefined => (n === undefined ? undefined : n > 0 ? 100 : 0);

export function outlierDetectionFields(od: OutlierDetection | undefined): { outlierDetection?: Json; commonLbConfig?: Json } {
  if (!od) return {};
  const gateway = od.consecutiveGatewayErrors ?? od.consecutiveErrors;
  const outlierDetection = compact({
    consecutive5xx: od.consecutive5xxErrors ?? (od.consecutiveErrors !== undefined ? 0 : undefined),
    enforcingConsecutive5xx: enforce(od.consecutive5xxErrors ?? (od.consecutiveErrors !== undefined ? 0 : undefined)),
    consecutiveGatewayFailure: gateway,
    enforcingConsecutiveGatewayFailure: enforce(gateway),
    consecutiveLocalOriginFailure: od.splitExternalLocalOriginErrors ? od.consecutiveLocalOriginFailures : undefined,
    enforcingConsecutiveLocalOriginFailure: od.splitExternalLocalOriginErrors && od.consecutiveLocalOriginFailures ? 100 : undefined,
    splitExternalLocalOriginErrors: od.splitExternalLocalOriginErrors || undefined,
    enforcingLocalOriginSuccessRate: od.splitExternalLocalOriginErrors ? 0 : undefined,
    interval: od.interval ? protoDuration(od.interval) : undefined,
    baseEjectionTime: od.baseEjectionTime ? protoDuration(od.baseEjectionTime) : undefined,
    maxEjectionPercent: od.maxEjectionPercent,
    enforcingSuccessRate: 0,
  });
  return { outlierDetection, commonLbConfig: { healthyPanicThreshold: { value: od.minHealthPercent ?? 0 } } };
}
