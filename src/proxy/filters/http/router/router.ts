/**
 * Envoy's router filter, the end of the HTTP filter chain: for an upstream plan it picks a host
 * of the route's cluster, takes a stream from that host's connection pool (HTTP/1.1 or HTTP/2 as
 * the cluster says), sends the request with x-envoy-attempt-count, streams the body both ways
 * with backpressure, and adds x-envoy-upstream-service-time to the response. Timeouts give 504
 * UT; failures before the response started are retried per the route's policy, then answered
 * with 503 and the reset's flag (UF, UC, UR, UO, UH, NC, plus URX when retries ran out). After
 * the response started a failure resets the downstream stream.
 */
import type { Cluster, Host } from '../../../cluster/cluster.ts';
import type { ConnPool, UpstreamFailure, UpstreamProtocol, UpstreamStream } from '../../../cluster/pool/conn-pool.ts';
import type { HttpPools } from '../../../cluster/pool/pools.ts';
import type { Address } from '../../../core/address.ts';
import { socketAddress } from '../../../core/address.ts';
import type { HeaderMap, HttpStreamInfo } from '../../../core/http-stream-info.ts';
import { ResponseFlags, type ResponseFlag } from '../../../core/response-flags.ts';
import { statusClass } from '../../../stats/envoy-stats.ts';
import type { LocalReply } from '../http-filter.ts';
import { admitRequest, admitRetry, releaseRequest, releaseRetry } from './circuit-breaker.ts';
import { RequestBody } from './request-body.ts';
import { flagFor, outcomeOf, resetBody, resetDetails } from './reset-reasons.ts';
import { retryBackoffMs, shouldRetry, type RetryOutcome } from '../../../route/retry.ts';
import type { UpstreamPlan } from './route-plan.ts';
import { upstreamProtocol } from './upstream-protocol.ts';
import { hashKeyFor, type HashKeyResult } from './hash-key.ts';
import { outcomeForStatus } from '../../../cluster/outlier-outcome.ts';

/** What the router needs from the stream it serves. */
export interface RouterCallbacks {
  readonly info: HttpStreamInfo;
  readonly method: string;
  readonly scheme: string;
  readonly headers: HeaderMap;
  readonly body: RequestBody;
  readonly destination: Address | undefined;
  setUpstream(cluster: Cluster | undefined, host: Host | undefined): void;
  encodeHeaders(status: number, headers: HeaderMap, endStream: boolean): void;
  encodeData(chunk: Buffer): boolean;
  onEncodeDrain(cb: () => void): void;
  encodeEnd(trailers: HeaderMap | undefined): void;
  localReply(r: LocalReply): void;
  /** Resets the downstream after the response started. */
  resetDownstream(flag: ResponseFlag, details: string): void;
}

export interface RouterDeps {
  readonly cluster: (name: string) => Cluster | undefined;
  readonly pools: HttpPools;
  readonly random: () => number;
}

export class Router {
  private attempts = 0;
  private upstream: UpstreamStream | undefined;
  private cluster: Cluster | undefined;
  private responseStarted = false;
  private done = false;
  private admitted = false;
  private timer: NodeJS.Timeout | undefined;
  private perTry: NodeJS.Timeout | undefined;
  private retrying = false;
  private endAttempt: () => void = () => {};
  /** Hosts earlier attempts used (retry_host_predicate previous_hosts). */
  private readonly tried: Host[] = [];
  private hash: HashKeyResult | undefined;
  private readonly cb: RouterCallbacks;
  private readonly plan: UpstreamPlan;
  private readonly deps: RouterDeps;

  constructor(cb: RouterCallbacks, plan: UpstreamPlan, deps: RouterDeps) {
    this.cb = cb;
    this.plan = plan;
    this.deps = deps;
  }

  start(): void {
    const cluster = this.deps.cluster(this.plan.clusterName);
    this.cb.info.upstreamCluster = this.plan.clusterName;
    if (!cluster) return this.reply(this.plan.clusterNotFoundStatus, '', 'cluster_not_found', ResponseFlags.NoClusterFound);
    this.cluster = cluster;
    this.cb.setUpstream(cluster, undefined);
    if (this.plan.timeoutMs > 0) this.timer = setTimeout(() => this.onTimeout(), this.plan.timeoutMs);
    this.attempt(cluster);
  }

  /** The downstream went away: stop everything. */
  abort(): void {
    if (this.done) return;
    if (this.upstream) this.cluster?.stats.upstream_rq_tx_reset.inc();
    this.upstream?.abort();
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    clearTimeout(this.perTry);
    this.endAttempt();
    if (this.admitted && this.cluster) releaseRequest(this.cluster);
    if (this.retrying && this.cluster) releaseRetry(this.cluster);
  }

  private reply(status: number, body: string, details: string, flag?: ResponseFlag): void {
    this.finish();
    this.cb.body.discard();
    this.cb.localReply({ status, body, details, ...(flag ? { flag } : {}) });
  }

  private attempt(cluster: Cluster): void {
    const info = this.cb.info;
    const r = this.plan.retry;
    this.hash ??= hashKeyFor(this.plan.hashPolicy, { headers: this.cb.headers, path: this.plan.requestPath, remoteIp: info.downstreamRemote?.ip }, this.deps.random);
    const host = cluster.chooseHost(this.cb.destination ?? { ip: '0.0.0.0', port: 0 }, info.downstreamRemote, {
      hashKey: this.hash.key,
      excludeHosts: r?.retryHostPredicate.includes('previous_hosts') ? this.tried : undefined,
      hostSelectionRetryMaxAttempts: r?.hostSelectionRetryMaxAttempts,
    });
    if (!host) return this.reply(503, 'no healthy upstream', 'no_healthy_upstream', ResponseFlags.NoHealthyUpstream);
    this.cb.setUpstream(cluster, host);
    info.upstreamHost = host.address;
    const protocol: UpstreamProtocol = upstreamProtocol(cluster, info.protocol);
    if (!this.admitted) {
      if (!admitRequest(cluster, protocol)) {
        cluster.stats.upstream_rq_pending_overflow.inc();
        return this.reply(503, resetBody({ reason: 'overflow', detail: '' }), 'upstream_reset_before_response_started{overflow}', ResponseFlags.UpstreamOverflow);
      }
      this.admitted = true;
    }
    cluster.stats.upstream_rq_total.inc();
    cluster.stats.upstream_rq_active.inc();
    this.tried.push(host);
    host.stats.rq_total++;
    host.stats.rq_active++;
    let attemptOpen = true;
    this.endAttempt = () => {
      if (!attemptOpen) return;
      attemptOpen = false;
      cluster.stats.upstream_rq_active.dec();
      host.stats.rq_active--;
    };
    const pool: ConnPool = this.deps.pools.get(cluster, host, protocol);
    this.attempts++;
    info.attemptCount = this.attempts;
    const headers: HeaderMap = { ...this.cb.headers };
    if (this.plan.includeRequestAttemptCount) headers['x-envoy-attempt-count'] = String(this.attempts);
    if (this.plan.originalPath !== undefined) headers['x-envoy-original-path'] = this.plan.originalPath;
    if (this.plan.timeoutMs > 0) headers['x-envoy-expected-rq-timeout-ms'] = String(this.plan.timeoutMs);
    const started = Date.now();
    const body = this.cb.body;
    // eslint-disable-next-line prefer-const -- the callbacks close over it before newStream returns
    let stream: UpstreamStream | undefined;
    const current = (): boolean => stream !== undefined && stream === this.upstream && !this.done;
    stream = pool.newStream(
      { method: this.cb.method, path: this.plan.path, authority: this.plan.authority, scheme: this.cb.scheme, headers, endStream: body.complete && body.bytes === 0 },
      {
        // A reused connection is ready at once, before newStream returns: only a finished router ignores it.
        onReady: (ip, port) => {
          if (!this.done && (stream === undefined || stream === this.upstream)) info.upstreamLocal = socketAddress(ip, port);
        },
        onContinue: () => {},
        onHeaders: (status, rh, endStream) => {
          if (!current()) return;
          cluster.stats[`upstream_rq_${statusClass(status)}`].inc();
          cluster.reportOutcome(host, outcomeForStatus(status));
          if (status < 500) host.stats.rq_success++;
          else host.stats.rq_error++;
          if (this.retryAllowed({ status, grpcStatus: grpcStatusOf(rh) })) {
            stream?.abort();
            this.endAttempt();
            return this.retry(cluster);
          }
          if (this.attempts > 1 && status < 500) cluster.stats.upstream_rq_retry_success.inc();
          clearTimeout(this.perTry);
          this.responseStarted = true;
          info.upstreamServiceTimeMs = Date.now() - started;
          // The pool hands over a fresh map per response: edited in place, not copied.
          const out: HeaderMap = rh;
          out['x-envoy-upstream-service-time'] = String(info.upstreamServiceTimeMs);
          if (this.plan.includeAttemptCountInResponse) out['x-envoy-attempt-count'] = String(this.attempts);
          if (this.hash?.setCookie) out['set-cookie'] = this.hash.setCookie;
          this.plan.responseHeaders(out);
          // Headers that end the stream (gRPC trailers-only) must end it downstream too, or the status is lost.
          this.cb.encodeHeaders(status, out, endStream === true);
        },
        onData: (chunk) => {
          if (!current()) return true;
          const ok = this.cb.encodeData(chunk);
          if (!ok) this.cb.onEncodeDrain(() => stream?.resume());
          return ok;
        },
        onTrailers: (t) => {
          if (current()) info.responseTrailers = t;
        },
        onEnd: () => {
          if (!current()) return;
          cluster.stats.upstream_rq_completed.inc();
          this.finish();
          this.cb.encodeEnd(info.responseTrailers);
        },
        onError: (f) => {
          if (!current()) return;
          this.endAttempt();
          if (f.reason !== 'overflow') {
            cluster.reportOutcome(host, 'local_origin_failure');
            host.stats.rq_error++;
          }
          if (f.reason === 'remote_reset' || f.reason === 'connection_termination') cluster.stats.upstream_rq_rx_reset.inc();
          this.onFailure(cluster, f);
        },
      },
    );
    this.upstream = stream;
    body.attach(stream);
    const perTry = this.plan.retry?.perTryTimeoutMs ?? 0;
    if (perTry > 0) {
      this.perTry = setTimeout(() => {
        if (this.responseStarted || !current()) return;
        cluster.stats.upstream_rq_per_try_timeout.inc();
        cluster.reportOutcome(host, 'local_origin_failure');
        host.stats.rq_timeout++;
        stream?.abort();
        this.endAttempt();
        if (this.retryAllowed({ perTryTimeout: true })) return this.retry(cluster);
        this.finish();
        this.reply(504, 'upstream request timeout', 'response_timeout', ResponseFlags.UpstreamRequestTimeout);
      }, perTry);
    }
  }

  private retryAllowed(o: RetryOutcome): boolean {
    const r = this.plan.retry;
    if (!r || !this.cluster || this.attempts > r.numRetries || !this.cb.body.replayable) return false;
    return shouldRetry(r, o);
  }

  private retry(cluster: Cluster): void {
    this.cb.body.detach();
    this.upstream = undefined;
    clearTimeout(this.perTry);
    if (!this.retrying) {
      if (!admitRetry(cluster)) {
        cluster.stats.upstream_rq_retry_overflow.inc();
        return this.reply(503, resetBody({ reason: 'overflow', detail: '' }), 'upstream_reset_before_response_started{overflow}', ResponseFlags.UpstreamOverflow);
      }
      this.retrying = true;
    }
    cluster.stats.upstream_rq_retry.inc();
    const r = this.plan.retry;
    const backoff = r ? retryBackoffMs(r, this.attempts, this.deps.random) : 0;
    setTimeout(() => {
      if (!this.done) this.attempt(cluster);
    }, backoff);
  }

  private onFailure(cluster: Cluster, f: UpstreamFailure): void {
    this.upstream = undefined;
    if (this.responseStarted) {
      this.finish();
      this.cb.resetDownstream(flagFor(f.reason), `upstream_reset_after_response_started{${f.reason}}`);
      return;
    }
    if (this.retryAllowed(outcomeOf(f))) return this.retry(cluster);
    const r = this.plan.retry;
    if (r && this.attempts > r.numRetries && shouldRetry(r, outcomeOf(f))) {
      cluster.stats.upstream_rq_retry_limit_exceeded.inc();
      this.cb.info.responseFlags.add(ResponseFlags.UpstreamRetryLimitExceeded);
    }
    this.cb.info.upstreamTransportFailureReason = f.detail || undefined;
    this.reply(503, resetBody(f), resetDetails(f), flagFor(f.reason));
  }

  private onTimeout(): void {
    if (this.done) return;
    this.cluster?.stats.upstream_rq_timeout.inc();
    this.upstream?.abort();
    this.upstream = undefined;
    if (this.responseStarted) {
      this.finish();
      this.cb.resetDownstream(ResponseFlags.UpstreamRequestTimeout, 'response_timeout');
      return;
    }
    this.reply(504, 'upstream request timeout', 'response_timeout', ResponseFlags.UpstreamRequestTimeout);
  }
}

function grpcStatusOf(h: HeaderMap): number | undefined {
  const v = h['grpc-status'];
  return typeof v === 'string' ? Number(v) : undefined;
}
