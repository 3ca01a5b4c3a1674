/**
 * A cheap micro benchmark of the sidecar's L7 path, one hop: h2load (a separate process) ->
 * an in-process sidecar (HTTP connection manager, fault + router filters, programmed over xDS
 * by the tests' scripted ADS peer) -> an upstream node:http server in a child process answering
 * 1 KB. It reports the sidecar process's own CPU (process.cpuUsage) per 1000 requests, which is
 * far less noisy than the macro bench on a shared machine. `--root DIR` runs another checkout's
 * src (for before/after comparisons); `--h2c` sends prior-knowledge h2c downstream;
 * `--h2c-upstream` puts an h2c server behind a cluster speaking HTTP/2.
 *
 *   node bench/micro/http-path.ts [--requests 20000] [--connections 4] [--rounds 3] [--h2c] [--h2c-upstream] [--root DIR]
 */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({ options: {
  requests: { type: 'string', default: '20000' }, connections: { type: 'string', default: '4' }, rounds: { type: 'string', default: '3' },
  h2c: { type: 'boolean', default: false }, 'h2c-upstream': { type: 'boolean', default: false }, root: { type: 'string', default: join(dirname(fileURLToPath(import.meta.url)), '..', '..') },
} });
const root = resolve(values.root);
const requests = Number(values.requests);

const UPSTREAM = `
const body = Buffer.alloc(1024, 120);
const s = require('node:http').createServer({ keepAliveTimeout: 60000 }, (req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 1024 }); res.end(body); }); });
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));
`;
const H2_UPSTREAM = `
const body = Buffer.alloc(1024, 120);
const s = require('node:http2').createServer();
s.on('stream', (st) => { st.resume(); st.on('end', () => { st.respond({ ':status': 200, 'content-type': 'text/plain', 'content-length': 1024 }); st.end(body); }); });
s.listen(0, '127.0.0.1', () => process.stdout.write(String(s.address().port) + '\\n'));
`;
const h2Up = values['h2c-upstream'];

const up = spawn(process.execPath, ['-e', h2Up ? H2_UPSTREAM : UPSTREAM], { stdio: ['ignore', 'pipe', 'inherit'] });
const upPort = await new Promise<number>((r) => up.stdout.once('data', (d: Buffer) => r(Number(d.toString().trim()))));

const { AdsPeer } = await import(join(root, 'test/proxy/xds/ads-peer.ts')) as typeof import('../../test/proxy/xds/ads-peer.ts');
const { CDS, EDS, LDS, RDS, cla, passthroughClusters, virtualOutbound } = await import(join(root, 'test/proxy/xds/resources.ts')) as typeof import('../../test/proxy/xds/resources.ts');
const res = await import(join(root, 'test/proxy/http/resources.ts')) as typeof import('../../test/proxy/http/resources.ts');
const { startTestSidecar } = await import(join(root, 'test/proxy/support.ts')) as typeof import('../../test/proxy/support.ts');

const peer = new AdsPeer();
peer.setAll({
  [CDS]: [...res.clusters(), ...passthroughClusters()],
  [EDS]: [cla(res.WEB, [{ ip: '127.0.0.1', port: upPort }]), cla(res.EMPTY, []), cla(res.REFUSED, []), cla(res.GRPC, [{ ip: '127.0.0.1', port: upPort }]), cla(res.TIGHT, [])],
  [LDS]: [virtualOutbound(), res.hcmListener(8000)],
  [RDS]: [res.routes(8000)],
});
await peer.start();
const t = await startTestSidecar({ 'discovery-address': peer.address, 'pod-name': 'bench-1', 'instance-ip': '127.0.0.1' });
t.route('outbound', { ip: '10.96.3.1', port: 8000 });
const port = t.sidecar.ports.outbound;

/** Runs h2load (asynchronously: the sidecar shares this event loop). */
async function load(n: number): Promise<void> {
  const args = [...(values.h2c ? [] : ['--h1']), '-c', values.connections, '-n', String(n), '-H', `:authority: ${h2Up ? 'grpc' : 'web'}`, `http://127.0.0.1:${port}/`];
  const p = spawn('h2load', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => p.on('close', r));
  const ok = /(\d+) succeeded/.exec(out)?.[1];
  if (code !== 0 || Number(ok) !== n) throw new Error(`h2load failed: ${out}`);
}

try {
  await new Promise((r) => setTimeout(r, 500));
  await load(2000); // warm-up: JIT, pools
  const results: number[] = [];
  for (let i = 0; i < Number(values.rounds); i++) {
    t.accessLog.length = 0;
    const before = process.cpuUsage();
    await load(requests);
    await new Promise((r) => setImmediate(r));
    const d = process.cpuUsage(before);
    results.push((d.user + d.system) / 1e6 / (requests / 1000));
  }
  const sorted = [...results].sort((a, b) => a - b);
  console.log(JSON.stringify({ root, mode: `${values.h2c ? 'h2c' : 'http1'}->${h2Up ? 'h2c' : 'http1'}`, requests, connections: Number(values.connections), cpuSecondsPer1000: results.map((x) => Number(x.toFixed(4))), median: Number((sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(4)) }));
} finally {
  await t.sidecar.shutdown(0);
  await peer.stop();
  up.kill();
}
