/**
 * Issue 6's VirtualService HTTP and DestinationRule fields, and the ingress gateway's XFF
 * handling, on real traffic (one `mizzen up` mesh, test/e2e/traffic/mesh.yaml): for each group of
 * fields a suite (suites/) applies a scenario from scenarios/, waits until the proxy that acts on
 * it holds it, then sends real requests from a client pod (or through a gateway) and reads the
 * effect in what the app received (it echoes method, path, headers, protocol, peer and
 * connection as JSON), in the answer, the access log, the stats, /clusters and `proxy-config
 * endpoint`. Which test shows which field: docs/traffic-fields.md.
 */
import { after, before, describe } from 'node:test';
import { TrafficMesh } from './mesh-driver.ts';
import { connectionPoolSuite } from './suites/dr-connection-pool.ts';
import { loadBalancingSuite } from './suites/dr-load-balancing.ts';
import { outlierSuite } from './suites/dr-outlier.ts';
import { gatewayHeadersSuite } from './suites/gateway-headers.ts';
import { matchSuite } from './suites/vs-match.ts';
import { retriesSuite } from './suites/vs-retries.ts';
import { routingSuite } from './suites/vs-routing.ts';

const mesh = new TrafficMesh();

before(async () => { await mesh.up(); });
after(async () => { await mesh.down(); });

describe('VirtualService HTTP match, on requests from the client pods', () => matchSuite(mesh));
describe('VirtualService routing actions', () => routingSuite(mesh));
describe('VirtualService retries', () => retriesSuite(mesh));
describe('DestinationRule load balancing', () => loadBalancingSuite(mesh));
describe('DestinationRule connectionPool (bare: the app sees the sidecar\'s connections)', () => connectionPoolSuite(mesh));
describe('XFF and the headers on the way to the pod (through the ingress gateways)', () => gatewayHeadersSuite(mesh));
// Last: its warmup test adds a v1 replica.
describe('DestinationRule outlierDetection, tcp.connectTimeout and warmup', () => outlierSuite(mesh));
