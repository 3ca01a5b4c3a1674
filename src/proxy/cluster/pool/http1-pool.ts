/**
 * The HTTP/1.1 connection pool for one upstream host: node:http's keep-alive Agent with our own
 * connect (bind, TCP_NODELAY, connect timeout), max_requests_per_connection and the idle
 * timeout. Each request takes a free connection or opens one; a response on a connection that
 * may not be reused closes it. Errors become Envoy reset reasons: connect failures before the
 * socket connected, connection termination after.
 */
import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Address } from '../../core/address.ts';
import type { HeaderMap } from '../../core/http-stream-info.ts';
import type { ConnPool, ResetReason, UpstreamEvents, UpstreamRequestHead, UpstreamStream } from './conn-pool.ts';
import { CONNECT_TIMEOUT, connectUpstream, failureDetail } from './connect.ts';

export interface HostPoolOptions {
  readonly address: Address;
  readonly upstreamBind: string | undefined;
  readonly connectTimeoutMs: number;
  /** 0: unlimited. */
  readonly maxRequestsPerConnection: number;
  readonly idleTimeoutMs: number;
}

class HostAgent extends Agent {
  private readonly uses = new WeakMap<Socket, number>();
  private readonly o: HostPoolOptions;

  constructor(o: HostPoolOptions) {
    super({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024, scheduling: 'lifo', timeout: o.idleTimeoutMs });
    this.o = o;
  }

  override createConnection(): Socket {
    return connectUpstream(this.o);
  }

  override keepSocketAlive(socket: Socket): boolean {
    const n = (this.uses.get(socket) ?? 0) + 1;
    this.uses.set(socket, n);
    if (this.o.maxRequestsPerConnection > 0 && n >= this.o.maxRequestsPerConnection) return false;
    return (super.keepSocketAlive(socket) as unknown) !== false;
  }
}

function trailersOf(res: IncomingMessage): HeaderMap | undefined {
  return res.rawTrailers.length > 0 ? (res.trailers as HeaderMap) : undefined;
}

export class Http1Pool implements ConnPool {
  readonly protocol = 'http1' as const;
  activeStreams = 0;
  private readonly agent: HostAgent;
  private readonly o: HostPoolOptions;

  constructor(o: HostPoolOptions) {
    this.o = o;
    this.agent = new HostAgent(o);
  }

  newStream(head: UpstreamRequestHead, ev: UpstreamEvents): UpstreamStream {
    this.activeStreams++;
    let settled = false;
    let connected = false;
    let response: IncomingMessage | undefined;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      this.activeStreams--;
    };
    const fail = (reason: ResetReason, err: unknown): void => {
      if (settled) return;
      finish();
      ev.onError({ reason, detail: failureDetail(err) });
    };
    const req: ClientRequest = request({
      agent: this.agent, host: this.o.address.ip, port: this.o.address.port, method: head.method, path: head.path,
      headers: { ...head.headers, host: head.authority }, setHost: false,
    });
    req.on('socket', (s: Socket) => {
      const ready = (): void => {
        connected = true;
        ev.onReady(s.localAddress, s.localPort);
      };
      if (s.connecting) s.once('connect', ready);
      else ready();
    });
    req.on('continue', () => ev.onContinue());
    req.on('response', (res) => {
      response = res;
      ev.onHeaders(res.statusCode ?? 502, res.headers as HeaderMap);
      res.on('data', (chunk: Buffer) => {
        if (!ev.onData(chunk)) res.pause();
      });
      res.on('end', () => {
        if (settled) return;
        const t = trailersOf(res);
        if (t) ev.onTrailers(t);
        finish();
        ev.onEnd();
        // The response completed before the request body did (the server answered without
        // reading it all): as Envoy, reset the upstream request; the connection, left in the
        // middle of a body, must not go back to the pool.
        if (!req.writableEnded) req.destroy();
      });
      res.on('error', (err) => fail('remote_reset', err));
      res.on('close', () => fail('connection_termination', undefined));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected) fail(err.code === CONNECT_TIMEOUT ? 'connect_timeout' : 'connection_failure', err);
      else fail(response ? 'remote_reset' : 'connection_termination', err);
    });
    return {
      write: (chunk) => req.write(chunk),
      onDrain: (cb) => void req.once('drain', cb),
      end: (trailers) => {
        if (trailers) req.addTrailers(trailers as Record<string, string>);
        req.end();
      },
      abort: () => {
        if (settled) return;
        finish();
        req.destroy();
      },
      pause: () => response?.pause(),
      resume: () => response?.resume(),
    };
  }

  close(): void {
    this.agent.destroy();
  }
}
