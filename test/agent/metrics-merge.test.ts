/**
 * The agent's merged /stats/prometheus on 15020: istio_agent_* first, then the proxy's 15090
 * output, then the app's own metrics from ISTIO_PROMETHEUS_ANNOTATIONS; an app that fails is
 * counted and the rest is still served.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../helpers/netns.ts';
import { httpGet, listenOn, registryWith, startTestSidecar, tempDir, writeAtomically, type TestSidecar } from '../proxy/support.ts';

const tmp = tempDir('merge');
let appUp = true;
let lastAccept = '';
const app = createServer((req, res) => {
  lastAccept = String(req.headers.accept ?? '');
  if (!appUp || req.url !== '/custom/metrics') return void res.writeHead(500).end();
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end('# TYPE app_orders_total counter\napp_orders_total 42\n');
});
let withApp: TestSidecar;
let withoutApp: TestSidecar;

before(async () => {
  const port = await listenOn(app as unknown as import('node:net').Server, '127.0.0.1');
  const registry = join(tmp.dir, 'registry.json');
  writeAtomically(registry, registryWith([]));
  withApp = await startTestSidecar({ registry, 'prometheus-annotations': JSON.stringify({ scrape: 'true', path: '/custom/metrics', port: String(port) }) });
  withoutApp = await startTestSidecar({ registry, 'prometheus-annotations': JSON.stringify({ scrape: 'false', port: String(port) }) });
  await waitFor(() => withApp.sidecar.status.live && withoutApp.sidecar.status.live, 5000, 'both sidecars ready');
});
after(async () => {
  await withApp?.sidecar.shutdown(0);
  await withoutApp?.sidecar.shutdown(0);
  app.closeAllConnections();
  app.close();
  tmp.cleanup();
});

describe('merged metrics on the status port', () => {
  it('serves agent, proxy and app metrics, app last', async () => {
    const r = await httpGet(withApp.sidecar.ports.status, '/stats/prometheus', { headers: { accept: 'text/plain' } });
    assert.equal(r.status, 200);
    assert.match(r.type, /^text\/plain; version=0\.0\.4/);
    const agentAt = r.body.indexOf('istio_agent_process_cpu_seconds_total');
    const envoyAt = r.body.indexOf('envoy_server_live 1');
    const appAt = r.body.indexOf('app_orders_total 42');
    assert.ok(agentAt >= 0 && envoyAt > agentAt && appAt > envoyAt, `order agent < envoy < app: ${agentAt} ${envoyAt} ${appAt}`);
    assert.match(r.body, /^istio_agent_scrapes_total 1$/m);
    assert.equal(lastAccept, 'text/plain');
    assert.equal((await httpGet(withApp.sidecar.ports.status, '/metrics')).status, 200);
  });

  it('still serves the proxy metrics when the app fails, and counts the failure', async () => {
    appUp = false;
    const r = await httpGet(withApp.sidecar.ports.status, '/stats/prometheus');
    assert.equal(r.status, 200);
    assert.match(r.body, /^envoy_server_live 1$/m);
    assert.doesNotMatch(r.body, /app_orders_total/);
    assert.match(r.body, /^istio_agent_scrape_failures_total\{type="application"\} 1$/m);
    assert.ok(withApp.logs.some((l) => /\terror\tfailed scraping application metrics: error scraping http:\/\/localhost:\d+\/custom\/metrics, status code: 500/.test(l)));
    appUp = true;
  });

  it('does not scrape the app when scrape is "false"', async () => {
    const r = await httpGet(withoutApp.sidecar.ports.status, '/stats/prometheus');
    assert.match(r.body, /^envoy_server_live 1$/m);
    assert.doesNotMatch(r.body, /app_orders_total/);
  });
});
