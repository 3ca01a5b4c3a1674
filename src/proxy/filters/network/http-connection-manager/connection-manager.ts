/**
 * Envoy's HTTP connection manager for one downstream connection: choose the codec (in
 * codec-select.ts, the only place), hand the socket to it, and run each request as an
 * ActiveStream. Upgrade requests the route allows become raw tunnels. Draining marks HTTP/1.1
 * responses `connection: close` and sends HTTP/2 a GOAWAY; destroy ends the connection now.
 */
import type { Http2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { StreamInfo } from '../../../core/stream-info.ts';
import { planRoute } from '../../http/router/route-plan.ts';
import { notifyStreamDone } from '../../http/stream-done.ts';
import { ActiveStream } from './active-stream.ts';
import { chooseCodec, type DownstreamCodec } from './codec-select.ts';
import type { DownstreamRequest } from './codecs/downstream.ts';
import { serveHttp1 } from './codecs/http1.ts';
import { serveHttp2 } from './codecs/http2.ts';
import { newHttpStreamInfo } from './new-stream-info.ts';
import { mutateRequestHeaders } from './request-headers.ts';
import type { StreamContext } from './stream-context.ts';
import { proxyUpgrade } from './upgrade.ts';

export interface HttpConnectionDeps {
  readonly ctx: StreamContext;
  readonly applicationProtocols: readonly string[];
  /** Called once, after the downstream connection closed. */
  readonly onClose: (c: HttpConnection) => void;
  readonly onProtocolError: (err: Error) => void;
}

export class HttpConnection {
  readonly info: StreamInfo;
  codec: DownstreamCodec | undefined;
  activeStreams = 0;
  private session: Http2Session | undefined;
  private readonly socket: Socket;
  private readonly deps: HttpConnectionDeps;

  constructor(socket: Socket, deps: HttpConnectionDeps) {
    this.socket = socket;
    this.deps = deps;
    this.info = deps.ctx.connection;
  }

  start(): void {
    const s = this.socket;
    s.once('close', () => this.deps.onClose(this));
    const chosen = chooseCodec(s, this.deps.ctx.settings.codecType, this.deps.applicationProtocols);
    if (typeof chosen === 'string') this.serve(chosen);
    else void chosen.then((c) => this.serve(c));
  }

  private serve(codec: DownstreamCodec): void {
    this.codec = codec;
    if (this.socket.destroyed) return;
    const onRequest = (d: DownstreamRequest): void => this.request(d);
    const onProtocolError = (err: Error): void => this.deps.onProtocolError(err);
    if (codec === 'http2') {
      serveHttp2(this.socket, { onRequest, onProtocolError, onSession: (s) => (this.session = s) });
    } else {
      serveHttp1(this.socket, { onRequest, onProtocolError, onUpgrade: (d, sock, head) => this.upgrade(d, sock, head) }, this.deps.ctx.settings.idleTimeoutMs);
    }
  }

  private request(d: DownstreamRequest): void {
    this.activeStreams++;
    d.onComplete(() => this.activeStreams--);
    new ActiveStream(this.deps.ctx, d).start();
  }

  private upgrade(d: DownstreamRequest, sock: Socket, head: Buffer): void {
    const ctx = this.deps.ctx;
    const upgrade = String(d.headers['upgrade'] ?? '').toLowerCase();
    mutateRequestHeaders(d.headers, ctx.settings, { scheme: d.scheme, remoteIp: ctx.connection.downstreamRemote?.ip });
    const info = newHttpStreamInfo(ctx.connection, d, ctx.requestedServerName);
    const done = (): void => notifyStreamDone(ctx.observers, { info, cluster: undefined, host: undefined });
    const config = ctx.routeConfig();
    const plan = config && planRoute(config, { authority: d.authority, path: d.path, method: d.method, scheme: d.scheme, headers: d.headers }, ctx.random);
    const cluster = plan?.kind === 'upstream' && ctx.settings.upgradeTypes.concat(plan.upgrades).includes(upgrade) ? ctx.router.cluster(plan.clusterName) : undefined;
    const host = cluster?.chooseHost(ctx.connection.downstreamLocal ?? { ip: '0.0.0.0', port: 0 }, ctx.connection.downstreamRemote);
    if (plan?.kind !== 'upstream' || !cluster || !host) {
      info.responseCode = plan ? 503 : 404;
      info.responseCodeDetails = plan ? 'no_healthy_upstream' : 'route_not_found';
      sock.end(`HTTP/1.1 ${info.responseCode} ${plan ? 'Service Unavailable' : 'Not Found'}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
      done();
      return;
    }
    info.routeName = plan.routeName;
    plan.requestHeaders(d.headers);
    proxyUpgrade(info, d.method, d.headers, sock, head, { cluster, host, path: plan.path, authority: plan.authority, upgrade }, (st) => notifyStreamDone(ctx.observers, st));
  }

  /** Starts a graceful close: GOAWAY on HTTP/2; HTTP/1.1 closes after the response in flight. */
  drain(): void {
    if (this.session && !this.session.closed) this.session.close();
    else if (this.activeStreams === 0 && this.codec === 'http1') this.socket.end();
  }

  destroy(): void {
    this.session?.destroy();
    this.socket.destroy();
  }
}
