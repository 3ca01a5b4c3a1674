/**
 * examples/bookinfo on a real one-host mesh, driven from the host through the ingress gateway as
 * the seeds drive Istio's bookinfo: routing by host name, the end-user header carried from
 * productpage to reviews and ratings, the jason rule (v2 for jason, v3 for everyone else), an
 * 80/20 shift, ROUND_ROBIN and RANDOM subsets, fault delay (DI) and abort (FI), retries (the app
 * sees x-envoy-attempt-count; the sidecar counts them), a route timeout (504 UT) and circuit
 * breaking (503 UO under h2load). Each step applies a file from examples/bookinfo/scenarios and
 * waits until istiod has pushed it to the sidecar that acts on it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Bookinfo } from '../helpers/bookinfo.ts';
import { sh } from '../helpers/netns.ts';
import { repoRoot } from '../helpers/paths.ts';

const stateDir = mkdtempSync(join(tmpdir(), 'mizzen-bookinfo-'));
const jar = join(stateDir, 'cookies.txt');
const example = join(repoRoot, 'examples', 'bookinfo');
const scenario = (name: string): string => join(example, 'scenarios', `${name}.yaml`);
const mesh = new Bookinfo({ ...process.env, MIZZEN_STATE_DIR: stateDir });
const JASON = ['-H', 'end-user: jason'];
const REVIEWS = '/api/v1/products/0/reviews';

interface Reviews { version: string; podname: string; headers: Record<string, string>; reviews: { rating?: { stars?: number; color?: string; error?: string } }[] }
interface Ratings { ratings?: Record<string, number>; attempt: string | null; error?: string }

const reviewsOf = (paths: number, extra: readonly string[] = []): Reviews[] =>
  mesh.curl(Array.from({ length: paths }, () => REVIEWS), extra).map((r) => {
    assert.equal(r.status, 200, r.body);
    return JSON.parse(r.body) as Reviews;
  });
const versionOnPage = (body: string): string => /id="reviews-version">(v\d)</.exec(body)?.[1] ?? `(none in: ${body.slice(-400)})`;
const productpage = (): string => mesh.pod('productpage-v1');

before(async () => {
  const up = await mesh.cli(['up', '-f', example]);
  assert.equal(up.code, 0, up.stderr);
  mesh.url = /istio-ingressgateway: (http:\/\/127\.0\.0\.1:\d+)/.exec(up.stdout)?.[1] ?? '';
  assert.ok(mesh.url, `up prints the gateway address:\n${up.stdout}`);
  await mesh.loadPods();
  // The gateway is ready once it has config; the bookinfo VirtualService may follow a push later.
  for (let i = 0; i < 60 && mesh.get('/productpage').status !== 200; i++) await new Promise((r) => setTimeout(r, 500));
});

after(async () => {
  const down = await mesh.cli(['down']);
  rmSync(stateDir, { recursive: true, force: true });
  assert.equal(down.code, 0, down.stderr);
});

describe('examples/bookinfo through the ingress gateway', () => {
  it('comes up: six deployments, seven pods, each with its sidecar', async () => {
    const pods = await mesh.mustCli(['get', 'pods', '-n', 'bookinfo']);
    for (const d of ['details-v1', 'productpage-v1', 'ratings-v1', 'reviews-v2', 'reviews-v3']) assert.equal(mesh.podsOf(d).length, 1, pods);
    assert.equal(mesh.podsOf('reviews-v1').length, 2, pods);
    assert.equal(pods.match(/\s2\/2\s+Running/g)?.length, 7, pods);
  });

  it('routes by host name: bookinfo.example.com reaches productpage, other hosts and paths get 404', () => {
    const page = mesh.get('/productpage');
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>Simple Bookstore App<\/title>/);
    assert.match(page.body, /<dt>author<\/dt><dd>William Shakespeare<\/dd>/, 'details answered');
    assert.match(page.body, /Reviews served by: <span id="reviews-pod">reviews-v[123]-/, 'reviews answered');
    assert.equal(mesh.get('/static/bookinfo.css').status, 200);
    const products = JSON.parse(mesh.get('/api/v1/products').body) as { id: number; title: string }[];
    assert.deepEqual(products.map((p) => [p.id, p.title]), [[0, 'The Comedy of Errors']]);
    assert.equal((JSON.parse(mesh.get('/api/v1/products/0').body) as { pages: number }).pages, 200);
    assert.equal(mesh.get('/productpage', [], 'unknown.example.com').status, 404);
    assert.equal(mesh.get('/health').status, 404, 'the VirtualService sends only the bookstore\'s paths');
  });

  it('carries end-user (header, ?u= or login cookie) and the trace headers from productpage to reviews', () => {
    const trace = '0af7651916cd43dd8448eb211c80319c';
    const [viaHeader] = reviewsOf(1, [...JASON, '-H', `traceparent: 00-${trace}-b7ad6b7169203331-01`]);
    assert.equal(viaHeader?.headers['end-user'], 'jason');
    assert.match(viaHeader?.headers['traceparent'] ?? '', new RegExp(`^00-${trace}-[0-9a-f]{16}-01$`));
    assert.equal(viaHeader?.headers['x-b3-traceid'], trace);
    assert.match(viaHeader?.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
    const viaQuery = JSON.parse(mesh.get(`${REVIEWS}?u=jason`).body) as Reviews;
    assert.equal(viaQuery.headers['end-user'], 'jason');
    const login = mesh.get('/login', ['-c', jar, '-d', 'username=jason']);
    assert.equal(login.status, 302);
    const page = mesh.get('/productpage', ['-b', jar]);
    assert.match(page.body, /Signed in as jason/);
    assert.equal((JSON.parse(mesh.get(REVIEWS, ['-b', jar]).body) as Reviews).headers['end-user'], 'jason');
    assert.equal((JSON.parse(mesh.get(REVIEWS).body) as Reviews).headers['end-user'], undefined, 'nobody signed in: no end-user');
  });

  it('the jason rule: end-user jason gets reviews v2 (black stars) every time, everyone else v3 (red)', async () => {
    await mesh.apply(scenario('virtual-service-reviews-jason-v2-v3'));
    await mesh.untilConfig(productpage(), { route: 'reviews' }, (j) => j.includes('"jason"'), 'the jason rule');
    const jason = reviewsOf(20, JASON);
    assert.deepEqual([...new Set(jason.map((r) => r.version))], ['v2']);
    assert.equal(jason[0]?.reviews[0]?.rating?.color, 'black');
    const others = reviewsOf(20);
    assert.deepEqual([...new Set(others.map((r) => r.version))], ['v3']);
    assert.equal(others[0]?.reviews[0]?.rating?.color, 'red');
    assert.equal(versionOnPage(mesh.get('/productpage', ['-b', jar]).body), 'v2', 'signed in as jason');
    assert.equal(versionOnPage(mesh.get('/productpage').body), 'v3');
  });

  it('fault delay: ratings waits 2 s for jason (DI); productpage is slow but answers with stars', async () => {
    await mesh.apply(scenario('virtual-service-ratings-test-delay'));
    const v2 = mesh.pod('reviews-v2');
    await mesh.untilConfig(v2, { route: 'ratings' }, (j) => j.includes('fixedDelay'), 'the delay');
    const started = Date.now();
    const page = mesh.get('/productpage', JASON);
    const took = Date.now() - started;
    assert.equal(page.status, 200);
    assert.ok(took >= 1900, `took ${took} ms`);
    assert.equal(versionOnPage(page.body), 'v2');
    assert.match(page.body, /<span class="stars" style="color: black">/);
    await mesh.logLine(v2, /"GET \/ratings\/0 HTTP\/1\.1" 200 DI via_upstream .* outbound\|9080\|v1\|ratings\.bookinfo\.svc\.cluster\.local /);
  });

  it('fault abort: ratings answers jason 500 (FI); reviews shows "Ratings service is currently unavailable"', async () => {
    await mesh.apply(scenario('virtual-service-ratings-test-abort'));
    const v2 = mesh.pod('reviews-v2');
    await mesh.untilConfig(v2, { route: 'ratings' }, (j) => j.includes('"abort"'), 'the abort');
    const page = mesh.get('/productpage', JASON);
    assert.equal(page.status, 200);
    assert.equal(versionOnPage(page.body), 'v2');
    assert.match(page.body, /Ratings service is currently unavailable/);
    assert.match(mesh.get('/productpage').body, /<span class="stars" style="color: red">/, 'everyone else still gets ratings');
    await mesh.logLine(v2, /"GET \/ratings\/0 HTTP\/1\.1" 500 FI fault_filter_abort /);
    await mesh.remove(scenario('virtual-service-ratings-test-abort'));
  });

  it('traffic shifting: 80/20 between v1 and v2, over 200 requests within 10 points', async () => {
    await mesh.apply(scenario('virtual-service-reviews-80-20'));
    await mesh.untilConfig(productpage(), { route: 'reviews' }, (j) => j.includes('"weight":80') && !j.includes('jason'), 'the 80/20 split');
    const seen = reviewsOf(200).map((r) => r.version);
    const v1 = seen.filter((v) => v === 'v1').length;
    assert.deepEqual([...new Set(seen)].sort(), ['v1', 'v2']);
    assert.ok(v1 >= 140 && v1 <= 180, `v1 got ${v1} of 200 (expected 160 ± 20)`);
  });

  it('ROUND_ROBIN in subset v1: its two replicas take turns', async () => {
    await mesh.apply(scenario('destination-rule-reviews-lb'));
    await mesh.apply(scenario('virtual-service-reviews-v1'));
    await mesh.untilConfig(productpage(), { route: 'reviews' }, (j) => j.includes('|v1|reviews') && !j.includes('weight'), 'the v1-only route');
    await mesh.untilConfig(productpage(), { cluster: 'outbound|9080||reviews.bookinfo.svc.cluster.local' }, (j) => j.includes('"RANDOM"'), 'RANDOM');
    const pods = reviewsOf(20).map((r) => r.podname);
    assert.deepEqual([...new Set(pods)].sort(), mesh.podsOf('reviews-v1'));
    pods.forEach((p, i) => { if (i > 0) assert.notEqual(p, pods[i - 1], `request ${i} went to the same replica: ${pods.join(' ')}`); });
  });

  it('RANDOM for the service: without a VirtualService requests spread at random over the four pods', async () => {
    await mesh.remove(scenario('virtual-service-reviews-v1'));
    await mesh.untilConfig(productpage(), { route: 'reviews' }, (j) => j.includes('outbound|9080||reviews') && !j.includes('|v1|'), 'the default route');
    const pods = reviewsOf(200).map((r) => r.podname);
    const counts = new Map<string, number>();
    for (const p of pods) counts.set(p, (counts.get(p) ?? 0) + 1);
    assert.equal(counts.size, 4, JSON.stringify([...counts]));
    for (const [p, n] of counts) assert.ok(n >= 25 && n <= 75, `${p} got ${n} of 200 (expected 50 ± 25)`);
    const repeats = pods.filter((p, i) => i > 0 && p === pods[i - 1]).length;
    assert.ok(repeats > 0, 'random picks sometimes repeat a pod; round robin never would');
    await mesh.apply(join(example, 'destination-rule-all.yaml'));
  });

  it('retries: 500s from ratings are retried per the VirtualService; the app sees x-envoy-attempt-count', async () => {
    const ratings = mesh.pod('ratings-v1');
    const failNext = (count: number, status: number): Promise<string> =>
      mesh.exec(ratings, 'ratings', ['curl', '-sS', '-X', 'POST', `http://127.0.0.1:9080/fail?count=${count}&status=${status}`]);
    const get = (): { status: number; body: Ratings } => {
      const r = mesh.get('/api/v1/products/0/ratings');
      return { status: r.status, body: JSON.parse(r.body) as Ratings };
    };
    // Istio's default policy: 503 is retried (twice), 500 is not.
    await failNext(1, 500);
    assert.deepEqual([get().status, get().status], [500, 200]);
    await failNext(2, 503);
    const byDefault = get();
    assert.equal(byDefault.status, 200);
    assert.equal(byDefault.body.attempt, '3');
    // With retries on 5xx, 500s are retried too.
    await mesh.apply(scenario('virtual-service-ratings-retries'));
    await mesh.untilConfig(productpage(), { route: 'ratings' }, (j) => j.includes('"retryOn":"5xx"'), 'the retry policy');
    await failNext(2, 500);
    const retried = get();
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    assert.deepEqual(retried.body.ratings, { Reviewer1: 5, Reviewer2: 4 });
    assert.equal(retried.body.attempt, '3');
    const stats = await mesh.exec(productpage(), 'istio-proxy', ['curl', '-s', 'http://127.0.0.1:15090/stats/prometheus']);
    const retries = Number(/^envoy_cluster_upstream_rq_retry\{cluster_name="outbound\|9080\|v1\|ratings\.bookinfo\.svc\.cluster\.local"\} (\d+)$/m.exec(stats)?.[1]);
    assert.ok(retries >= 2, `upstream_rq_retry for ratings v1: ${retries}`);
    assert.match(stats, /^istio_requests_total\{reporter="source",source_workload="productpage-v1",.*destination_service="ratings\.bookinfo\.svc\.cluster\.local".*response_code="200".*\} [1-9]\d*$/m);
    assert.match(stats, /^istio_requests_total\{reporter="source",source_workload="productpage-v1",.*destination_service="ratings\.bookinfo\.svc\.cluster\.local".*response_code="500".*\} [1-9]\d*$/m, 'the unretried 500 counts');
  });

  it('timeouts: reviews gets 0.5 s while ratings is 2 s late: 504 UT, and productpage says reviews are unavailable', async () => {
    await mesh.apply(scenario('request-timeouts'));
    await mesh.untilConfig(productpage(), { route: 'reviews' }, (j) => j.includes('"timeout":"0.5s"'), 'the timeout');
    await mesh.untilConfig(mesh.pod('reviews-v2'), { route: 'ratings' }, (j) => j.includes('fixedDelay') && !j.includes('jason'), 'the delay for everyone');
    const page = mesh.get('/productpage');
    assert.equal(page.status, 200);
    assert.match(page.body, /Sorry, product reviews are currently unavailable for this book\./);
    assert.match(page.body, /William Shakespeare/, 'details still answer');
    await mesh.logLine(productpage(), /"GET \/reviews\/0 HTTP\/1\.1" 504 UT response_timeout .* outbound\|9080\|v2\|reviews\.bookinfo\.svc\.cluster\.local /);
    await mesh.remove(scenario('request-timeouts'));
  });

  it('circuit breaking: one connection, one pending request; h2load gets some 503 UO, and details stays healthy', async () => {
    await mesh.apply(scenario('destination-rule-details-circuit-breaker'));
    await mesh.untilConfig(productpage(), { cluster: 'outbound|9080||details.bookinfo.svc.cluster.local' }, (j) => j.includes('"maxRequestsPerConnection":1'), 'the circuit breaker');
    const out = await mesh.exec(productpage(), 'productpage', ['h2load', '-n', '200', '-c', '10', '-m', '1', '--h1', 'http://details:9080/details/0']);
    const [, ok = '0', failed = '0'] = /status codes: (\d+) 2xx, \d+ 3xx, \d+ 4xx, (\d+) 5xx/.exec(out) ?? [];
    assert.ok(Number(failed) > 0, `some requests overflow:\n${out}`);
    assert.ok(Number(ok) > 0, `some get through:\n${out}`);
    await mesh.logLine(productpage(), /"GET \/details\/0 HTTP\/1\.1" 503 UO upstream_reset_before_response_started\{overflow\} .* outbound\|9080\|\|details\.bookinfo\.svc\.cluster\.local /);
    const stats = await mesh.exec(productpage(), 'istio-proxy', ['curl', '-s', 'http://127.0.0.1:15000/stats']);
    assert.match(stats, /^cluster\.outbound\|9080\|\|details\.bookinfo\.svc\.cluster\.local\.upstream_rq_pending_overflow: [1-9]\d*$/m);
    // One request at a time still gets through, and the page shows the details.
    for (const r of mesh.curl(['/productpage', '/productpage', '/productpage'])) {
      assert.equal(r.status, 200);
      assert.match(r.body, /William Shakespeare/);
    }
    await mesh.apply(join(example, 'destination-rule-all.yaml'));
  });

  it('the gateway logs each request with its Host, and nothing listens beyond 127.0.0.1', async () => {
    const gw = (await mesh.mustCli(['get', 'pods', '-n', 'istio-system', '-o', 'name'])).split('\n').find((l) => l.includes('istio-ingressgateway'))?.split('/')[1] ?? '';
    assert.ok(gw);
    const log = await mesh.mustCli(['logs', gw, '-n', 'istio-system']);
    assert.match(log, /"GET \/productpage HTTP\/1\.1" 200 - via_upstream .*"bookinfo\.example\.com" "10\.250\.\d+\.\d+:9080" outbound\|9080\|\|productpage\.bookinfo\.svc\.cluster\.local /);
    const port = new URL(mesh.url).port;
    assert.deepEqual(sh(['ss', '-Hltn', `sport = :${port}`]).stdout.trim().split('\n').map((l) => l.split(/\s+/)[3]), [`127.0.0.1:${port}`]);
  });
});
