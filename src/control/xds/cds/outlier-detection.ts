/**
 * OutlierDetection -> Envoy's outlierDetection (Istio's applyOutlierDetection): consecutive5xx
 * and consecutiveGatewayErrors enforced at 100%, the deprecated consecutiveErrors (502/503/504)
 * as gateway failures, local-origin failures, interval, baseEjectionTime, maxEjectionPercent;
 * success-rate ejection off; minHealthPercent -> commonLbConfig.healthyPanicThreshold.
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
    consecutiveLocalOriginFailure: od.consecutiveLocalOriginFailures,
    enforcingConsecutiveLocalOriginFailure: enforce(od.consecutiveLocalOriginFailures),
    splitExternalLocalOriginErrors: od.splitExternalLocalOriginErrors,
    interval: od.interval ? protoDuration(od.interval) : undefined,
    baseEjectionTime: od.baseEjectionTime ? protoDuration(od.baseEjectionTime) : undefined,
    maxEjectionPercent: od.maxEjectionPercent,
    enforcingSuccessRate: 0,
  });
  return {
    outlierDetection,
    ...(od.minHealthPercent !== undefined ? { commonLbConfig: { healthyPanicThreshold: { value: od.minHealthPercent } } } : {}),
  };
}
