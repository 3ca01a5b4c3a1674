/**
 * Envoy's outlier detector for one cluster, consecutive-failure kinds only. Each attempt's
 * outcome feeds a per-host monitor: consecutive 5xx (gateway errors count too), consecutive
 * gateway failures (502/503/504), and, with split_external_local_origin_errors, consecutive
 * local-origin failures (otherwise a local-origin failure counts as a 503, as Envoy maps it).
 * A counter reaching its threshold is a detection (ejections_detected_*); the host is ejected
 * at once if max_ejection_percent allows (ejections_overflow otherwise) and the enforcing
 * percentage says so. Every interval a sweep returns hosts whose time is up: base_ejection_time
 * times the ejection multiplier (one more per ejection, capped by max_ejection_time, one less
 * per healthy interval). Monitors are keyed by address, so state survives config updates.
 */
import { formatAddress } from '../core/address.ts';
import { mathRandom, type Random } from '../core/random.ts';
import type { OutlierDetectionStats } from '../stats/envoy-stats.ts';
import type { Host } from './cluster.ts';
import { systemClock, type OutlierClock } from './outlier-clock.ts';
import type { OutlierDetectionConfig } from './outlier-config.ts';
import type { OutlierOutcome } from './outlier-outcome.ts';

type Kind = 'consecutive_5xx' | 'consecutive_gateway_failure' | 'consecutive_local_origin_failure';

interface Monitor {
  consecutive5xx: number;
  consecutiveGateway: number;
  consecutiveLocal: number;
  /** When the current ejection started; undefined while not ejected. */
  ejectedAt: number | undefined;
  /** Envoy's eject time backoff: the multiplier of base_ejection_time. */
  backoff: number;
  numEjections: number;
  /** When it was last returned to service. */
  unejectedAt: number | undefined;
}

export interface OutlierDetectorOptions {
  readonly clock?: OutlierClock;
  readonly random?: Random;
}

export class OutlierDetector {
  /** Changes whenever a host is ejected or returned: eligible-host caches compare it. */
  version = 0;
  private config: OutlierDetectionConfig;
  private readonly monitors = new Map<string, Monitor>();
  private byHost = new WeakMap<Host, Monitor>();
  private active = 0;
  private timer: unknown;
  private readonly stats: OutlierDetectionStats;
  private readonly clock: OutlierClock;
  private readonly random: Random;

  constructor(config: OutlierDetectionConfig, stats: OutlierDetectionStats, opts: OutlierDetectorOptions = {}) {
    this.config = config;
    this.stats = stats;
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? mathRandom;
    this.timer = this.clock.setInterval(() => this.sweep(), config.intervalMs);
  }

  /** Takes a new config and host set: monitors of remaining addresses keep their state. */
  update(config: OutlierDetectionConfig, hosts: readonly Host[]): void {
    if (config.intervalMs !== this.config.intervalMs) {
      this.clock.clearInterval(this.timer);
      this.timer = this.clock.setInterval(() => this.sweep(), config.intervalMs);
    }
    this.config = config;
    const keep = new Set<string>();
    this.byHost = new WeakMap();
    for (const h of hosts) {
      const key = formatAddress(h.address);
      keep.add(key);
      let m = this.monitors.get(key);
      if (!m) {
        m = { consecutive5xx: 0, consecutiveGateway: 0, consecutiveLocal: 0, ejectedAt: undefined, backoff: 0, numEjections: 0, unejectedAt: undefined };
        this.monitors.set(key, m);
      }
      this.byHost.set(h, m);
    }
    for (const [key, m] of this.monitors) {
      if (keep.has(key)) continue;
      if (m.ejectedAt !== undefined) this.setActive(this.active - 1);
      this.monitors.delete(key);
    }
  }

  get ejectedCount(): number {
    return this.active;
  }

  isEjected(host: Host): boolean {
    return this.active > 0 && this.monitor(host)?.ejectedAt !== undefined;
  }

  /** How many times `host` has been ejected (admin, tests). */
  numEjections(host: Host): number {
    return this.monitor(host)?.numEjections ?? 0;
  }

  reportResult(host: Host, outcome: OutlierOutcome): void {
    const m = this.monitor(host);
    if (!m) return;
    const cfg = this.config;
    const o = outcome === 'local_origin_failure' && !cfg.splitExternalLocalOriginErrors ? 'gateway_error' : outcome;
    switch (o) {
      case 'success':
        m.consecutive5xx = 0;
        m.consecutiveGateway = 0;
        m.consecutiveLocal = 0;
        return;
      case 'local_origin_failure':
        if (++m.consecutiveLocal === cfg.consecutiveLocalOriginFailure) this.detected(m, 'consecutive_local_origin_failure');
        return;
      case 'gateway_error':
        if (++m.consecutiveGateway === cfg.consecutiveGatewayFailure) this.detected(m, 'consecutive_gateway_failure');
        break;
      default:
        m.consecutiveGateway = 0;
    }
    if (++m.consecutive5xx === cfg.consecutive5xx) this.detected(m, 'consecutive_5xx');
  }

  /** Stops the interval timer (the cluster was removed). */
  stop(): void {
    this.clock.clearInterval(this.timer);
  }

  private monitor(host: Host): Monitor | undefined {
    return this.byHost.get(host) ?? this.monitors.get(formatAddress(host.address));
  }

  private detected(m: Monitor, kind: Kind): void {
    if (kind === 'consecutive_5xx') m.consecutive5xx = 0;
    else if (kind === 'consecutive_gateway_failure') m.consecutiveGateway = 0;
    else m.consecutiveLocal = 0;
    if (m.ejectedAt !== undefined) return;
    this.stats[`ejections_detected_${kind}`].inc();
    const cfg = this.config;
    const percent = (100 * (this.active + 1)) / Math.max(1, this.monitors.size);
    if (percent > Math.min(100, cfg.maxEjectionPercent) && !(cfg.alwaysEjectOneHost && this.active === 0)) {
      this.stats.ejections_overflow.inc();
      return;
    }
    if (kind === 'consecutive_5xx') {
      this.stats.ejections_total.inc();
      this.stats.ejections_consecutive_5xx.inc();
    }
    const enforcing = kind === 'consecutive_5xx' ? cfg.enforcingConsecutive5xx
      : kind === 'consecutive_gateway_failure' ? cfg.enforcingConsecutiveGatewayFailure : cfg.enforcingConsecutiveLocalOriginFailure;
    if (enforcing <= 0 || (enforcing < 100 && this.random() * 100 >= enforcing)) return;
    m.ejectedAt = this.clock.now();
    m.numEjections++;
    if (cfg.baseEjectionTimeMs * m.backoff < cfg.maxEjectionTimeMs) m.backoff++;
    this.setActive(this.active + 1);
    this.stats.ejections_enforced_total.inc();
    this.stats[`ejections_enforced_${kind}`].inc();
  }

  private sweep(): void {
    const now = this.clock.now();
    const cfg = this.config;
    for (const m of this.monitors.values()) {
      if (m.ejectedAt === undefined) {
        if (m.backoff > 0 && m.unejectedAt !== undefined && now - m.unejectedAt >= cfg.intervalMs) m.backoff--;
        continue;
      }
      const duration = Math.min(cfg.baseEjectionTimeMs * m.backoff, Math.max(cfg.maxEjectionTimeMs, cfg.baseEjectionTimeMs));
      if (now - m.ejectedAt < duration) continue;
      m.ejectedAt = undefined;
      m.unejectedAt = now;
      m.consecutive5xx = 0;
      m.consecutiveGateway = 0;
      m.consecutiveLocal = 0;
      this.setActive(this.active - 1);
    }
  }

  private setActive(n: number): void {
    this.active = n;
    this.version++;
    this.stats.ejections_active.set(n);
  }
}
