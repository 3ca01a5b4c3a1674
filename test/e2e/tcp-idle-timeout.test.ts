/**
 * DestinationRule connectionPool.tcp.idleTimeout and maxConnectionDuration on real traffic
 * (test/e2e/l4-routes mesh: the echo Service's TCP port 9000). istiod puts them on the outbound
 * tcp_proxy as idle_timeout and max_downstream_connection_duration. The client's sidecar closes
 * both sides of a connection that carried no byte either way for the idle timeout, counts
 * tcp.<prefix>.idle_timeout and logs it with no response flag, as Envoy, while a connection that
 * keeps talking outlives it; with maxConnectionDuration even a busy connection is closed that
 * long after it was accepted, logged with DT and counted as max_downstream_connection_duration.
 * tcpKeepalive puts SO_KEEPALIVE (and its timings) on the sidecar's upstream socket, seen with ss.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLIENT_A, ECHO, L4Mesh } from './l4-routes-mesh.ts';

const mesh = new L4Mesh();
let vip = '';
const esc = (s: string): string => s.replace(/[.|*]/g, (c) => `\\${c}`);

before(async () => {
  await mesh.up();
  vip = await mesh.clusterIp('echo', 'l4');
});

after(async () => {
  await mesh.down();
});

/** Two connections from the client pod: one answers a ping then stays idle, the other pings every 0.5 s for 5 s. */
const SCRIPT = [
  'import json, select, socket, sys, time',
  'ip, port = sys.argv[1], int(sys.argv[2])',
  'idle = socket.create_connection((ip, port), timeout=20)',
  'busy = socket.create_connection((ip, port), timeout=20)',
  'idle.sendall(b"ping"); first = idle.recv(100).decode(); t0 = time.time()',
  'answers, closed_at, how = [], None, ""',
  'for i in range(10):',
  '    busy.sendall(b"b%d" % i); answers.append(busy.recv(100).decode())',
  '    if closed_at is None and select.select([idle], [], [], 0)[0]:',
  '        try:',
  '            how = "eof" if idle.recv(100) == b"" else "data"',
  '        except OSError as e:',
  '            how = "reset"',
  '        closed_at = time.time() - t0',
  '    time.sleep(0.5)',
  'if closed_at is None:',
  '    idle.settimeout(15)',
  '    try:',
  '        how = "eof" if idle.recv(100) == b"" else "data"',
  '    except socket.timeout:',
  '        how = "open"',
  '    except OSError:',
  '        how = "reset"',
  '    closed_at = time.time() - t0',
  'busy.sendall(b"last"); last = busy.recv(100).decode()',
  'print(json.dumps({"first": first, "answers": answers, "closed_at": closed_at, "how": how, "last": last}))',
].join('\n');

interface Outcome { first: string; answers: string[]; closed_at: number; how: string; last: string }

/** One connection pinging every 0.2 s until the proxy closes it (or 15 s pass): pings answered, seconds open, how it ended. */
const BUSY = [
  'import json, socket, sys, time',
  'ip, port = sys.argv[1], int(sys.argv[2])',
  's = socket.create_connection((ip, port), timeout=5); t0 = time.time(); n, how = 0, "open"',
  'while time.time() - t0 < 15:',
  '    try:',
  '        s.sendall(b"p"); d = s.recv(100)',
  '    except OSError:',
  '        how = "reset"; break',
  '    if d == b"":',
  '        how = "eof"; break',
  '    n += 1; time.sleep(0.2)',
  'print(json.dumps({"answered": n, "open_s": time.time() - t0, "how": how}))',
].join('\n');

const stat = async (name: string): Promise<number> => {
  const out = await mesh.must(['exec', CLIENT_A.name, '-n', CLIENT_A.ns, '-c', 'istio-proxy', '--', 'curl', '-s', `http://127.0.0.1:15000/stats?filter=${name}`]);
  const m = new RegExp(`tcp\\.outbound\\|9000\\|\\|${esc(ECHO)}\\.${name}: (\\d+)`).exec(out);
  return m ? Number(m[1]) : 0;
};

describe('DestinationRule connectionPool.tcp.idleTimeout and maxConnectionDuration', () => {
  it('istiod sets idle_timeout on the outbound tcp_proxy of the port', async () => {
    await mesh.apply(join(import.meta.dirname, 'tcp-idle-timeout', 'idle-timeout.yaml'));
    await mesh.untilConfig(CLIENT_A, 'listener', (j) => /"idleTimeout": "2s"/.test(j), 'the idle timeout');
  });

  it('an idle connection is closed after 2 s with no flag, counted as idle_timeout; a busy one lives on', async () => {
    const stats = (): Promise<number> => stat('idle_timeout');
    const before = await stats();
    const r = await mesh.cli(['exec', CLIENT_A.name, '-n', CLIENT_A.ns, '--', 'python3', '-c', SCRIPT, vip, '9000']);
    assert.equal(r.code, 0, r.stderr);
    const o = JSON.parse(r.stdout) as Outcome;
    assert.match(o.first, /^v[12] ping$/);
    assert.equal(o.how, 'eof', `the idle connection was closed by the proxy (FIN): ${JSON.stringify(o)}`);
    assert.ok(o.closed_at >= 1.5, `not closed before the idle timeout (closed ${o.closed_at.toFixed(2)} s after its last byte)`);
    assert.deepEqual(o.answers.map((a) => a.replace(/^v[12] /, '')), Array.from({ length: 10 }, (_, i) => `b${i}`), 'the busy connection answered every ping');
    assert.match(o.last, /^v[12] last$/, 'the busy connection is still open after 5 s');
    assert.equal(await stats(), before + 1, 'tcp.<prefix>.idle_timeout counted once');
    await mesh.logLine(CLIENT_A, new RegExp(`"- - -" 0 - - - "-" 4 7 \\d+ .*outbound\\|9000\\|\\|${esc(ECHO)} `));
  });

  it('maxConnectionDuration: a busy connection is closed 3 s after it was accepted, flag DT, counted', async () => {
    await mesh.apply(join(import.meta.dirname, 'tcp-idle-timeout', 'max-duration.yaml'));
    await mesh.untilConfig(CLIENT_A, 'listener', (j) => /"maxDownstreamConnectionDuration": "3s"/.test(j) && !/"idleTimeout": "2s"/.test(j), 'the max connection duration');
    const before = await stat('max_downstream_connection_duration');
    const r = await mesh.cli(['exec', CLIENT_A.name, '-n', CLIENT_A.ns, '--', 'python3', '-c', BUSY, vip, '9000']);
    assert.equal(r.code, 0, r.stderr);
    const o = JSON.parse(r.stdout) as { answered: number; open_s: number; how: string };
    assert.notEqual(o.how, 'open', `the proxy closed the connection: ${JSON.stringify(o)}`);
    assert.ok(o.open_s >= 2.5, `not before the max duration: ${JSON.stringify(o)}`);
    assert.ok(o.answered >= 5, `the connection carried traffic until then: ${JSON.stringify(o)}`);
    assert.equal(await stat('max_downstream_connection_duration'), before + 1);
    await mesh.logLine(CLIENT_A, new RegExp(`"- - -" 0 DT - - "-" \\d+ \\d+ \\d+ .*outbound\\|9000\\|\\|${esc(ECHO)} `));
  });

  it('tcpKeepalive: the sidecar\'s upstream socket to echo has SO_KEEPALIVE with the keepalive timer (ss), the app\'s own socket has none', async () => {
    await mesh.apply(join(import.meta.dirname, 'tcp-idle-timeout', 'keepalive.yaml'));
    await mesh.untilConfig(CLIENT_A, 'cluster', (j) => /"keepaliveTime": 7/.test(j) && /"keepaliveProbes": 4/.test(j), 'the keepalive options');
    const hold = ['import socket, sys, time', 's = socket.create_connection((sys.argv[1], 9000), timeout=10)', 's.sendall(b"ping"); s.recv(100); time.sleep(4)'].join('\n');
    const held = mesh.cli(['exec', CLIENT_A.name, '-n', CLIENT_A.ns, '--', 'python3', '-c', hold, vip]);
    let sockets = '';
    for (let i = 0; i < 20 && !/timer:\(keepalive/.test(sockets); i++) {
      await new Promise((r) => setTimeout(r, 200));
      sockets = await mesh.must(['exec', CLIENT_A.name, '-n', CLIENT_A.ns, '-c', 'istio-proxy', '--', 'ss', '-tno', 'state', 'established', '( dport = :9000 )']);
    }
    assert.equal((await held).code, 0);
    const lines = sockets.split('\n').filter((l) => l.includes(':9000'));
    const toVip = lines.filter((l) => l.includes(`${vip}:9000`));
    const upstream = lines.filter((l) => !l.includes(`${vip}:9000`));
    assert.ok(toVip.length >= 1 && upstream.length >= 1, sockets);
    // ss shows the time left before the first probe (iproute2 6.1 prints it as e.g. "6.808ms"):
    // at most 7 (TCP_KEEPIDLE 7 s), where the kernel default would be 7200 s.
    const left = upstream.map((l) => Number(/timer:\(keepalive,([\d.]+)m?s(?:ec)?,0\)/.exec(l)?.[1] ?? NaN));
    assert.ok(left.every((t) => t > 0 && t <= 7), `the sidecar's upstream sockets keep alive within 7 s:\n${sockets}`);
    assert.ok(toVip.every((l) => !l.includes('keepalive')), `the app's socket has no keepalive:\n${sockets}`);
  });
});

