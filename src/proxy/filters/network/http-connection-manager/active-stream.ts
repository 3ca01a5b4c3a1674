/**
 * One request through the HTTP connection manager, as Envoy's ActiveStream: edit the request
 * headers, resolve the route, run the decoder filters, hand over to the router (or answer
 * locally), run the encoder filters on the response headers, apply the `server` header, stream
 * the body back, and report the finished exchange to the observers exactly once.
 */
import type { Cluster, Host } from '../../../cluster/cluster.ts';
import type { HeaderMap, HttpStreamInfo } from '../../../core/http-stream-info.ts';
import { ResponseFlags, type ResponseFlag } from '../../../core/response-flags.ts';
import type { FilterStatus, HttpFilter, HttpFilterCallbacks, LocalReply } from '../../http/http-filter.ts';
import type { HttpStream } from '../../http/http-observer.ts';
import { notifyStreamDone } from '../../http/stream-done.ts';
import { CORS_FILTER, FAULT_FILTER } from '../../../route/filter-config.ts';
import { statusClass } from '../../../stats/envoy-stats.ts';
import { GrpcFrameCounter } from '../../http/grpc-frame-counter.ts';
import { RequestBody } from '../../http/router/request-body.ts';
import { Shadows } from '../../http/router/shadow.ts';
import { planRoute, type RoutePlan } from '../../http/router/route-plan.ts';
import { Router } from '../../http/router/router.ts';
import type { DownstreamRequest } from './codecs/downstream.ts';
import { FilterCallbacks, type FilterCallbackTarget } from './filter-callbacks.ts';
import { localResponse } from './local-reply.ts';
import { newHttpStreamInfo } from './new-stream-info.ts';
import { mutateRequestHeaders } from './request-headers.ts';
import type { StreamContext } from './stream-context.ts';

export class ActiveStream implements HttpStream, FilterCallbackTarget {
  readonly info: HttpStreamInfo;
  cluster: Cluster | undefined;
  host: Host | undefined;
  private filters: HttpFilter[] = [];
  private plan: RoutePlan | undefined;
  private router: Router | undefined;
  private body: RequestBody | undefined;
  private grpc: { readonly request: GrpcFrameCounter; readonly response: GrpcFrameCounter } | undefined;
  private finished = false;
  private replied = false;
  private readonly started = Date.now();
  private readonly destroyCallbacks: (() => void)[] = [];
  private readonly filterCallbacks: FilterCallbacks[] = [];
  private readonly down: DownstreamRequest;
  private readonly ctx: StreamContext;

  constructor(ctx: StreamContext, down: DownstreamRequest) {
    this.ctx = ctx;
    this.down = down;
    delete down.headers['expect']; // Envoy answers 100-continue itself
    mutateRequestHeaders(down.headers, ctx.settings, { scheme: down.scheme, remoteIp: ctx.connection.downstreamRemote?.ip });
    this.info = newHttpStreamInfo(ctx.connection, down, ctx.requestedServerName);
    ctx.stats.downstream_rq_total.inc();
    (down.protocol === 'HTTP/2' ? ctx.stats.downstream_rq_http2_total : ctx.stats.downstream_rq_http1_total).inc();
    ctx.stats.downstream_rq_active.inc();
  }

  start(): void {
    this.down.onAbort(() => this.onDownstreamAbort());
    this.down.onComplete(() => this.complete());
    const config = this.ctx.routeConfig();
    const d = this.down;
    this.plan = config && planRoute(config, { authority: d.authority, path: d.path, method: d.method, scheme: d.scheme, headers: d.headers }, this.ctx.random);
    if (!this.plan) {
      this.ctx.stats.no_route.inc();
      return this.sendLocalReply({ status: 404, details: 'route_not_found', flag: ResponseFlags.NoRouteFound });
    }
    this.info.routeName = this.plan.routeName;
    this.filters = this.ctx.filters.map((f) => f.create());
    this.decodeFrom(0);
  }

  /** The callbacks of the filter before index `next`, made once per stream and filter. */
  private callbacks(next: number): HttpFilterCallbacks {
    const have = this.filterCallbacks[next];
    if (have) return have;
    const made = new FilterCallbacks(this, next);
    this.filterCallbacks[next] = made;
    return made;
  }

  continueDecodingFrom(next: number): void {
    if (!this.replied && !this.finished) this.decodeFrom(next);
  }

  perFilterConfig<T>(name: string): T | undefined {
    return (name === FAULT_FILTER ? this.plan?.fault : name === CORS_FILTER ? this.plan?.cors : undefined) as T | undefined;
  }

  addDestroyCallback(cb: () => void): void {
    this.destroyCallbacks.push(cb);
  }

  private decodeFrom(i: number): void {
    for (; i < this.filters.length; i++) {
      const f = this.filters[i];
      if (!f?.decodeHeaders) continue;
      let status: FilterStatus;
      try {
        status = f.decodeHeaders(this.down.headers, this.callbacks(i + 1));
      } catch {
        return this.sendLocalReply({ status: 500, details: `filter_threw{${f.name}}` });
      }
      if (this.replied || this.finished) return;
      if (status === 'stop') return;
    }
    this.route();
  }

  private route(): void {
    const plan = this.plan;
    if (!plan) return;
    if (plan.kind !== 'upstream') {
      (plan.kind === 'redirect' ? this.ctx.stats.rq_redirect : this.ctx.stats.rq_direct_response).inc();
      const headers: HeaderMap = { ...plan.headers };
      plan.responseHeaders(headers);
      return this.sendLocalReply({ status: plan.status, body: plan.body, headers, details: plan.kind === 'redirect' ? 'redirect' : 'direct_response' });
    }
    plan.requestHeaders(this.down.headers);
    const retries = plan.retry !== undefined && plan.retry.numRetries > 0;
    const grpc = this.down.grpc ? { request: new GrpcFrameCounter(), response: new GrpcFrameCounter() } : undefined;
    this.grpc = grpc;
    const d = this.down;
    const shadows = plan.mirrors.length === 0 ? undefined : new Shadows(
      { method: d.method, path: plan.path, authority: plan.authority, scheme: d.scheme, headers: d.headers, protocol: d.protocol, destination: this.ctx.connection.downstreamLocal, source: this.ctx.connection.downstreamRemote },
      plan.mirrors, this.ctx.router.cluster, this.ctx.router.pools, this.ctx.random,
    );
    const mirror = shadows?.active ? shadows : undefined;
    const observe = grpc || mirror ? (c: Buffer): void => {
      grpc?.request.push(c);
      mirror?.push(c);
    } : undefined;
    this.body = new RequestBody(d.hasBody ? d.body : undefined, { keep: retries, ...(observe ? { observe } : {}), ...(mirror ? { onEnd: () => mirror.send() } : {}) });
    this.router = new Router({
      info: this.info, method: this.down.method, scheme: this.down.scheme, headers: this.down.headers, body: this.body,
      destination: this.ctx.connection.downstreamLocal,
      setUpstream: (c, h) => {
        this.cluster = c;
        this.host = h;
      },
      encodeHeaders: (status, h, end) => this.encodeHeaders(status, h, end),
      encodeData: (chunk) => {
        this.info.bytesSent += chunk.length;
        this.grpc?.response.push(chunk);
        return this.down.write(chunk);
      },
      onEncodeDrain: (cb) => this.down.onDrain(cb),
      encodeEnd: (t) => this.down.end(t),
      localReply: (r) => this.sendLocalReply(r),
      resetDownstream: (flag, details) => this.reset(flag, details),
    }, plan, this.ctx.router);
    this.router.start();
  }

  private encodeHeaders(status: number, headers: HeaderMap, endStream: boolean): void {
    for (let i = this.filters.length - 1; i >= 0; i--) {
      try {
        this.filters[i]?.encodeHeaders?.(status, headers, this.callbacks(i + 1));
      } catch {
        // A filter's failure must not break the response.
      }
    }
    const s = this.ctx.settings;
    if (s.serverHeaderTransformation === 'OVERWRITE' || (s.serverHeaderTransformation === 'APPEND_IF_ABSENT' && headers['server'] === undefined)) headers['server'] = s.serverName;
    if (this.ctx.draining() && this.down.protocol !== 'HTTP/2') headers['connection'] = 'close';
    this.info.responseCode = status;
    this.info.responseHeaders = headers;
    if (this.info.responseCodeDetails === '') this.info.responseCodeDetails = 'via_upstream';
    this.down.sendHeaders(status, headers, endStream);
  }

  sendLocalReply(r: LocalReply): void {
    if (this.replied || this.finished) return;
    this.replied = true;
    this.router?.abort();
    this.body?.discard();
    if (r.flag) this.info.responseFlags.add(r.flag);
    this.info.responseCodeDetails = r.details;
    if (this.down.headersSent) return this.reset(r.flag ?? ResponseFlags.LocalReset, r.details);
    const res = localResponse(r, this.down.grpc);
    const body = Buffer.from(res.body);
    this.encodeHeaders(res.status, res.headers, body.length === 0);
    if (body.length > 0) {
      this.info.bytesSent += body.length;
      this.down.write(body);
      this.down.end();
    }
    if (res.headers['grpc-status'] !== undefined) this.info.responseTrailers = { 'grpc-status': res.headers['grpc-status'] };
  }

  private reset(flag: ResponseFlag, details: string): void {
    this.info.responseFlags.add(flag);
    this.info.connectionTerminationDetails = details;
    this.down.reset();
  }

  private onDownstreamAbort(): void {
    if (this.finished) return;
    this.info.responseFlags.add(ResponseFlags.DownstreamConnectionTermination);
    if (!this.down.headersSent) this.info.responseCodeDetails = 'downstream_remote_disconnect';
    this.router?.abort();
    this.complete();
  }

  /** The exchange is over (response sent, or reset): report it once. */
  private complete(): void {
    if (this.finished) return;
    this.finished = true;
    const stats = this.ctx.stats;
    stats.downstream_rq_active.dec();
    stats.downstream_rq_completed.inc();
    if (this.info.responseCode > 0) stats[`downstream_rq_${statusClass(this.info.responseCode)}`].inc();
    if (this.info.responseFlags.has(ResponseFlags.DownstreamConnectionTermination)) stats.downstream_rq_rx_reset.inc();
    this.router?.abort();
    for (const cb of this.destroyCallbacks) cb();
    const info = this.info;
    info.bytesReceived = this.body?.bytes ?? 0;
    if (this.grpc) {
      info.requestMessages = this.grpc.request.messages;
      info.responseMessages = this.grpc.response.messages;
    }
    info.responseHeaderBytes = this.down.responseHeaderBytes;
    info.durationMs = Date.now() - this.started;
    notifyStreamDone(this.ctx.observers, this);
  }
}
