/**
 * Helpers for the listener filter tests: a paused-on-connect server on 127.0.0.1 port 0 that
 * runs inspect() on each connection and records the Inspection, the bytes the next consumer
 * read and how long inspection took; real ClientHellos captured from node:tls.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { inspect, type InspectNeeds, type Inspection } from '../../../src/proxy/listener/filters/inspect.ts';

export interface Inspected {
  readonly inspection: Inspection;
  readonly ms: number;
  /** Everything the consumer read after inspection, up to EOF or `respond`. */
  readonly bytes: Promise<Buffer>;
}

export interface InspectServer {
  readonly port: number;
  next(): Promise<Inspected>;
  close(): Promise<void>;
}

/** `respond`: what the consumer writes once inspection is done (a server-first greeting). */
export async function inspectServer(needs: InspectNeeds, respond?: (s: Socket, i: Inspection) => void): Promise<InspectServer> {
  const waiting: ((i: Inspected) => void)[] = [];
  const ready: Inspected[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    const t0 = performance.now();
    void inspect(s, needs).then((inspection) => {
      const ms = performance.now() - t0;
      const bytes = new Promise<Buffer>((resolve) => {
        const chunks: Buffer[] = [];
        s.on('data', (d: Buffer) => chunks.push(d));
        s.on('end', () => {
          resolve(Buffer.concat(chunks));
          s.end();
        });
        s.on('close', () => resolve(Buffer.concat(chunks)));
      });
      respond?.(s, inspection);
      s.resume();
      const r = { inspection, ms, bytes };
      const w = waiting.shift();
      if (w) w(r);
      else ready.push(r);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    next: () => {
      const r = ready.shift();
      return r ? Promise.resolve(r) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The first flight node:tls sends (a ClientHello record) for these options. */
export async function clientHello(servername: string | undefined, alpn: string[] | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const server = createServer((s) => {
      const chunks: Buffer[] = [];
      const done = (): void => {
        s.destroy();
        server.close();
        resolve(Buffer.concat(chunks));
      };
      s.on('data', (d: Buffer) => {
        chunks.push(d);
        const all = Buffer.concat(chunks);
        if (all.length >= 5 && all.length >= 5 + all.readUInt16BE(3)) done();
      });
      s.on('error', () => {});
    });
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      const c = tlsConnect({ host: '127.0.0.1', port, ...(servername ? { servername } : {}), ...(alpn ? { ALPNProtocols: alpn } : {}), rejectUnauthorized: false });
      c.on('error', () => {});
      c.on('close', () => c.destroy());
      server.on('close', () => c.destroy());
    });
    server.on('error', reject);
  });
}
