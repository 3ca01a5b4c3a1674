/**
 * The validation probe, run inside the pod's network namespace by validation.ts. It listens on
 * the capture ports, starts a client as the proxy UID/GID that dials the probe address, and
 * exits 0 once a connection arrives on a capture port, or 1 on timeout or error.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    listen: { type: 'string' }, 'listen-ip': { type: 'string' }, target: { type: 'string' },
    port: { type: 'string' }, uid: { type: 'string' }, gid: { type: 'string' }, 'timeout-ms': { type: 'string' },
  },
});
const ports = (values.listen ?? '').split(',').map(Number);
const timeoutMs = Number(values['timeout-ms'] ?? 5000);
const servers: Server[] = [];

function finish(code: number, msg: string): never {
  (code === 0 ? process.stdout : process.stderr).write(`${msg}\n`);
  process.exit(code);
}

setTimeout(() => finish(1, `no redirected connection reached ports ${ports.join(',')} within ${timeoutMs}ms`), timeoutMs).unref();

await Promise.all(ports.map((port) => new Promise<void>((resolve, reject) => {
  const s = createServer((sock) => {
    sock.destroy();
    finish(0, `connection to ${values.target}:${values.port} was redirected to port ${port}`);
  });
  s.once('error', reject);
  s.listen(port, values['listen-ip'], () => resolve());
  servers.push(s);
}))).catch((err: Error) => finish(1, `cannot listen on the capture ports: ${err.message}`));

const client = `const s=require('net').connect(${Number(values.port)},${JSON.stringify(values.target)});s.on('error',()=>{});s.on('connect',()=>setTimeout(()=>s.destroy(),200));setTimeout(()=>process.exit(0),${timeoutMs});`;
const child = spawn(process.execPath, ['-e', client], { uid: Number(values.uid), gid: Number(values.gid), stdio: 'ignore' });
child.on('error', (err) => finish(1, `cannot start the client as uid ${values.uid}: ${err.message}`));
