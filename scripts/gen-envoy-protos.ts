/**
 * Generates src/core/xds/envoy-protos.json: the protobuf descriptors (protobufjs JSON) of the
 * Envoy v3 API types Mizzen speaks over xDS, from the Envoy protos that @grpc/grpc-js-xds ships
 * (Apache-2.0, github.com/envoyproxy/envoy api/). Run after changing the list:
 *   node scripts/gen-envoy-protos.ts
 */
import { statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const deps = join(dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
const protobufjsDir = dirname(require.resolve('protobufjs/package.json'));
const includeDirs = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => join(deps, d));

export const files = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/discovery/v3/discovery.proto',
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/network/rbac/v3/rbac.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/fault/v3/fault.proto',
  'envoy/extensions/filters/http/cors/v3/cors.proto',
  'envoy/extensions/retry/host/previous_hosts/v3/previous_hosts.proto',
  'envoy/extensions/filters/http/rbac/v3/rbac.proto',
  'envoy/extensions/filters/listener/original_dst/v3/original_dst.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/filters/listener/http_inspector/v3/http_inspector.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/load_balancing_policies/round_robin/v3/round_robin.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/admin/v3/config_dump.proto',
  'envoy/admin/v3/config_dump_shared.proto',
  'envoy/admin/v3/clusters.proto',
];

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => {
  for (const dir of includeDirs) {
    const p = join(dir, target);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      // not in this include dir
    }
  }
  return join(protobufjsDir, target);
};
root.loadSync(files);
root.resolveAll();
const out = join(repo, 'src', 'core', 'xds', 'envoy-protos.json');
writeFileSync(out, `${JSON.stringify(root.toJSON())}\n`);
console.log(`wrote ${out}`);
