/**
 * Envoy's fault injection filter (envoy.filters.http.fault), driven by the route's per-filter
 * config as Istio writes it from a VirtualService `fault`: a fixed delay for a percentage of
 * requests (flag DI), then an abort with an HTTP status or, for gRPC, a grpc-status for a
 * percentage (flag FI, body "fault filter abort"). max_active_faults bounds how many run at once.
 */
import type { Random } from '../../../core/random.ts';
import { ResponseFlags } from '../../../core/response-flags.ts';
import { FAULT_FILTER, type FaultConfig } from '../../../route/filter-config.ts';
import { fractionHit } from '../../../route/fraction.ts';
import type { HttpFilter, HttpFilterCallbacks, HttpFilterFactory } from '../http-filter.ts';

export function faultFilter(random: Random): HttpFilterFactory {
  let active = 0;
  const abortOrContinue = (f: FaultConfig, cb: HttpFilterCallbacks): boolean => {
    const a = f.abort;
    if (!a || !fractionHit(a.percentage, random)) return false;
    if (a.kind === 'grpc') {
      cb.sendLocalReply({ status: 200, body: 'fault filter abort', details: 'fault_filter_abort', flag: ResponseFlags.FaultInjected, grpcStatus: a.grpcStatus });
    } else {
      cb.sendLocalReply({ status: a.httpStatus, body: 'fault filter abort', details: 'fault_filter_abort', flag: ResponseFlags.FaultInjected });
    }
    return true;
  };
  return {
    name: FAULT_FILTER,
    create(): HttpFilter {
      return {
        name: FAULT_FILTER,
        decodeHeaders(_headers, cb) {
          const f = cb.perFilterConfig<FaultConfig>(FAULT_FILTER);
          if (!f || (f.maxActiveFaults !== undefined && active >= f.maxActiveFaults)) return 'continue';
          const d = f.delay;
          if (d && fractionHit(d.percentage, random)) {
            cb.info.responseFlags.add(ResponseFlags.DelayInjected);
            active++;
            let pending = true;
            const timer = setTimeout(() => {
              pending = false;
              active--;
              if (!abortOrContinue(f, cb)) cb.continueDecoding();
            }, d.fixedDelayMs);
            cb.onDestroy(() => {
              if (!pending) return;
              pending = false;
              clearTimeout(timer);
              active--;
            });
            return 'stop';
          }
          return abortOrContinue(f, cb) ? 'stop' : 'continue';
        },
      };
    },
  };
}
