/**
 * A gRPC health check (grpc.health.v1.Health/Check) over cleartext HTTP/2, for `grpc` probes:
 * one length-prefixed HealthCheckRequest out, SERVING (status 1) back means healthy.
 */
import { connect as h2connect, constants } from 'node:http2';
import { connect as tcpConnect } from 'node:net';

export interface GrpcHealthOptions {
  readonly host: string;
  readonly port: number;
  readonly service: string;
  readonly localAddress: string;
  readonly timeoutMs: number;
}

/** Encodes HealthCheckRequest { string service = 1; } in a gRPC message frame. */
function requestFrame(service: string): Buffer {
  const s = Buffer.from(service);
  const msg = s.length === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x0a]), varint(s.length), s]);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(msg.length, 1);
  return Buffer.concat([head, msg]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

/** Reads HealthCheckResponse { ServingStatus status = 1; } from a gRPC message frame. */
function servingStatus(frame: Buffer): number {
  const msg = frame.subarray(5);
  for (let i = 0; i + 1 < msg.length; ) {
    const tag = msg[i++] ?? 0;
    if (tag === 0x08) return msg[i] ?? 0;
    break;
  }
  return 0;
}

export function grpcHealthCheck(o: GrpcHealthOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const authority = `${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`;
    const session = h2connect(`http://${authority}`, {
      createConnection: () => tcpConnect({ host: o.host, port: o.port, localAddress: o.localAddress }),
    });
    let settled = false;
    const done = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), o.timeoutMs);
    session.on('error', () => done(false));
    const req = session.request({
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: '/grpc.health.v1.Health/Check',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    const chunks: Buffer[] = [];
    let grpcStatus: string | undefined;
    req.on('response', (headers) => { grpcStatus = headers['grpc-status'] as string | undefined ?? grpcStatus; });
    req.on('trailers', (trailers) => { grpcStatus = trailers['grpc-status'] as string | undefined ?? grpcStatus; });
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => done(false));
    req.on('end', () => done(grpcStatus === '0' && servingStatus(Buffer.concat(chunks)) === 1));
    req.end(requestFrame(o.service));
  });
}
