/**
 * Upstreams and dialling for the in-process xDS tests: servers on loopback addresses that greet
 * each connection with their name and stay open until the client ends, and a dialler that
 * "sends" a connection to an original destination through the sidecar's virtual listener.
 */
import type { Socket } from 'node:net';
import { closeServer, connectTo, echoServer, listenOn, type TestSidecar } from '../support.ts';

/** A server named `name` on `ip` (port 0 picks one); it greets, then closes when the client ends. */
export async function greeter(ip: string, name: string, stops: (() => unknown)[], port = 0): Promise<number> {
  const server = echoServer((s) => {
    s.write(name);
    s.on('end', () => s.end());
    s.resume();
  });
  const p = await listenOn(server, ip, port);
  stops.push(() => closeServer(server));
  return p;
}

export interface Held {
  readonly greeting: string;
  readonly socket: Socket;
  /** Ends the connection; resolves when it has closed. */
  close(): Promise<void>;
}

/** Connects (from `from`, a loopback address) through `direction`'s listener as if to `ip:port`; resolves with the first bytes (or '' if closed first). */
export async function hold(t: TestSidecar, direction: 'outbound' | 'inbound', ip: string, port: number, from?: string): Promise<Held> {
  t.route(direction, { ip, port });
  const socket = await connectTo(direction === 'outbound' ? t.sidecar.ports.outbound : t.sidecar.ports.inbound, '127.0.0.1', from ? { localAddress: from } : {});
  socket.on('error', () => {});
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  const greeting = await new Promise<string>((resolve) => {
    socket.once('data', (d: Buffer) => resolve(d.toString()));
    socket.once('end', () => resolve(''));
    socket.once('close', () => resolve(''));
  });
  return { greeting, socket, close: () => { socket.end(); return closed; } };
}

/** One connection: its greeting, then closed. */
export async function hello(t: TestSidecar, ip: string, port: number, direction: 'outbound' | 'inbound' = 'outbound', from?: string): Promise<string> {
  const h = await hold(t, direction, ip, port, from);
  await h.close();
  return h.greeting;
}

/** A scripted randomness source: the queued values, then 0.5. */
export function scripted(): { random: () => number; queue: number[] } {
  const queue: number[] = [];
  return { random: () => queue.shift() ?? 0.5, queue };
}

/** An HTTP server named `name` on `ip`: answers every request with its name and the request headers it saw. */
export async function httpNamed(ip: string, name: string, stops: (() => unknown)[], port = 0): Promise<number> {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    res.setHeader('x-served-by', name);
    res.end(JSON.stringify({ name, headers: req.headers, peer: req.socket.remoteAddress }));
  });
  const p = await new Promise<number>((resolve) => server.listen(port, ip, () => resolve((server.address() as { port: number }).port)));
  stops.push(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  return p;
}

/** One HTTP/1.1 request through `direction`'s listener as if to `ip:port`. */
export async function httpVia(t: TestSidecar, ip: string, port: number, path = '/', headers: Record<string, string> = {}, direction: 'outbound' | 'inbound' = 'outbound'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { request } = await import('node:http');
  t.route(direction, { ip, port });
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: direction === 'outbound' ? t.sidecar.ports.outbound : t.sidecar.ports.inbound, path, agent: false, headers: { host: `${ip}:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
