/**
 * Client programs the HTTP mesh tests run inside the client pod (each prints one JSON line):
 *   node client.ts ws URL N            WebSocket: upgrade, N messages each way, close
 *   node client.ts pipeline HOST PORT  two GETs written in one segment; both responses, in order
 *   node client.ts banner HOST PORT MS a server-first service: what arrives (and when) without sending a byte
 */
import { connect } from 'node:net';

function ws(url: string, n: number): Promise<object> {
  return new Promise((resolve) => {
    const sock = new WebSocket(url);
    const got: string[] = [];
    let sent = 0;
    const timer = setTimeout(() => resolve({ error: 'timeout', got }), 10_000);
    sock.addEventListener('open', () => sock.send(`m${sent++}`));
    sock.addEventListener('message', (ev) => {
      got.push(String(ev.data));
      if (sent < n) sock.send(`m${sent++}`);
      else sock.close(1000, 'done');
    });
    sock.addEventListener('close', (ev) => {
      clearTimeout(timer);
      resolve({ opened: true, got, closeCode: ev.code, closeReason: ev.reason });
    });
    sock.addEventListener('error', () => {
      clearTimeout(timer);
      resolve({ error: 'websocket error', got });
    });
  });
}

function pipeline(host: string, port: number): Promise<object> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    let data = '';
    const req = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: pipeline\r\n\r\n`;
    s.on('connect', () => s.write(req('/headers?first') + req('/headers?second')));
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      data += d;
      const statuses = [...data.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
      const paths = [...data.matchAll(/"path":"([^"]+)"/g)].map((m) => m[1]);
      if (paths.length >= 2) {
        s.destroy();
        resolve({ statuses, paths });
      }
    });
    s.on('error', (e) => resolve({ error: e.message, data }));
    setTimeout(() => {
      s.destroy();
      resolve({ error: 'timeout', data });
    }, 10_000).unref();
  });
}

function banner(host: string, port: number, ms: number): Promise<object> {
  return new Promise((resolve) => {
    const start = Date.now();
    const s = connect({ host, port });
    s.setEncoding('utf8');
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ banner: null, waitedMs: Date.now() - start });
    }, ms);
    s.once('data', (d: string) => {
      const bannerMs = Date.now() - start;
      s.write('ping\n');
      s.once('data', (e: string) => {
        clearTimeout(timer);
        s.destroy();
        resolve({ banner: d.trim(), bannerMs, echo: e.trim() });
      });
    });
    s.on('error', (e) => resolve({ error: e.message }));
  });
}

const [cmd = '', a = '', b = '', c = ''] = process.argv.slice(2);
const out = cmd === 'ws' ? await ws(a, Number(b)) : cmd === 'pipeline' ? await pipeline(a, Number(b)) : await banner(a, Number(b), Number(c));
console.log(JSON.stringify(out));
