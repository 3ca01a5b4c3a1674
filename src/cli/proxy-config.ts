/**
 * `mizzen proxy-config listener|cluster|route|endpoint|bootstrap|all POD[.NS]` (alias `pc`), as
 * istioctl proxy-config: it reads the sidecar's Envoy-shaped /config_dump from its admin port
 * (127.0.0.1:15000 inside the pod's network namespace), or a saved dump with --file, and prints
 * istioctl's short tables, or the resources as JSON or YAML.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { invalidFlag } from '../core/errors.ts';
import { httpGetInNetns, podNetns } from '../runtime/client/pod-http.ts';
import { table } from '../runtime/client/table.ts';
import { stateDirFrom } from '../runtime/state/paths.ts';
import { clusterHeaders, clusterMatches, clusterRows } from './proxy-config/clusters.ts';
import { bootstrapOf, clustersOf, endpointsOf, listenersOf, normalizeDump, routesOf, type ConfigDump, type Json } from './proxy-config/config-dump.ts';
import { endpointHeaders, endpointRows, failedOutlierChecks } from './proxy-config/endpoints.ts';
import { listenerHeaders, listenerMatches, listenerRows } from './proxy-config/listeners.ts';
import { routeHeaders, routeRows } from './proxy-config/routes.ts';

const TYPES = ['listener', 'listeners', 'cluster', 'clusters', 'route', 'routes', 'endpoint', 'endpoints', 'bootstrap', 'all'];

interface Flags {
  namespace?: string; file?: string; stateDir?: string; output: string;
  port?: string; address?: string; direction?: string; fqdn?: string; subset?: string; name?: string; status?: string; cluster?: string; type?: string;
}

function port(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw invalidFlag('--port', v, 'expected a port number');
  return Number(v);
}

/** The pod's (or --file's) config dump; for endpoints also the hosts outlier detection ejected (admin /clusters). */
async function loadDump(target: string | undefined, f: Flags, kind: string): Promise<{ dump: ConfigDump; ejected: Set<string> }> {
  if (f.file !== undefined) return { dump: normalizeDump(JSON.parse(readFileSync(f.file, 'utf8')) as ConfigDump), ejected: new Set() };
  if (!target) throw invalidFlag('POD', '', 'name a pod (POD or POD.NAMESPACE), or give --file');
  const { netns } = await podNetns(stateDirFrom(f.stateDir), target, f.namespace);
  const dump = normalizeDump(JSON.parse(await httpGetInNetns(netns, 'http://127.0.0.1:15000/config_dump?include_eds')) as ConfigDump);
  const wantsEndpoints = (kind === 'endpoint' || kind === 'all') && f.output === 'short';
  const ejected = wantsEndpoints ? failedOutlierChecks(JSON.parse(await httpGetInNetns(netns, 'http://127.0.0.1:15000/clusters?format=json')) as Json) : new Set<string>();
  return { dump, ejected };
}

function render(kind: string, dump: ConfigDump, f: Flags, ejected: ReadonlySet<string> = new Set()): string {
  const p = port(f.port);
  const out = (data: unknown, short: () => string): string => {
    if (f.output === 'json') return `${JSON.stringify(data, null, 2)}\n`;
    if (f.output === 'yaml') return stringify(data);
    return short();
  };
  const lf = { ...(f.address ? { address: f.address } : {}), ...(p !== undefined ? { port: p } : {}), ...(f.type ? { type: f.type.toUpperCase() } : {}) };
  const cf = { ...(f.fqdn ? { fqdn: f.fqdn } : {}), ...(p !== undefined ? { port: p } : {}), ...(f.subset ? { subset: f.subset } : {}), ...(f.direction ? { direction: f.direction } : {}) };
  switch (kind) {
    case 'listener': return out(listenersOf(dump).filter((l) => listenerMatches(l, lf)), () => table(listenerHeaders, listenerRows(listenersOf(dump), lf)));
    case 'cluster': return out(clustersOf(dump).filter((c) => clusterMatches(c, cf)), () => table(clusterHeaders, clusterRows(clustersOf(dump), cf)));
    case 'route': return out(routesOf(dump).filter((r) => !f.name || r['name'] === f.name), () => table(routeHeaders, routeRows(routesOf(dump), f.name ? { name: f.name } : {})));
    case 'endpoint': {
      const ef = { ...(f.cluster ? { cluster: f.cluster } : {}), ...(f.status ? { status: f.status } : {}), ...(f.address ? { address: f.address } : {}), ...(p !== undefined ? { port: p } : {}), failedOutlierCheck: ejected };
      return out(endpointsOf(dump).filter((e: Json) => !f.cluster || e['clusterName'] === f.cluster), () => table(endpointHeaders, endpointRows(endpointsOf(dump), ef)));
    }
    case 'bootstrap': return out(bootstrapOf(dump) ?? {}, () => `${JSON.stringify(bootstrapOf(dump) ?? {}, null, 2)}\n`);
    default: return out(dump, () => ['cluster', 'listener', 'route', 'endpoint'].map((k) => render(k, dump, f, ejected)).join('\n'));
  }
}

export function registerProxyConfig(program: Command): void {
  program
    .command('proxy-config')
    .alias('pc')
    .description("show a sidecar's Envoy config as istioctl proxy-config does: listener|cluster|route|endpoint|bootstrap|all")
    .argument('<type>', TYPES.filter((t) => !t.endsWith('s') || t === 'all').join('|'))
    .argument('[pod]', 'POD or POD.NAMESPACE')
    .option('-n, --namespace <ns>', 'the pod\'s namespace')
    .option('-o, --output <format>', 'short, json or yaml', 'short')
    .option('--file <path>', 'read a saved config_dump instead of asking a pod')
    .option('--port <port>', 'filter by port')
    .option('--address <ip>', 'filter listeners or endpoints by address')
    .option('--type <type>', 'listeners: HTTP or TCP')
    .option('--direction <dir>', 'clusters: inbound or outbound')
    .option('--fqdn <host>', 'clusters: service FQDN')
    .option('--subset <name>', 'clusters: subset')
    .option('--name <name>', 'routes: route config name')
    .option('--cluster <name>', 'endpoints: cluster name')
    .option('--status <status>', 'endpoints: HEALTHY, UNHEALTHY, ...')
    .option('--state-dir <dir>', 'the mesh state directory (default $MIZZEN_STATE_DIR or /var/run/mizzen)')
    .action(async (type: string, pod: string | undefined, f: Flags) => {
      if (!TYPES.includes(type)) throw invalidFlag('TYPE', type, `expected one of ${TYPES.join(', ')}`);
      if (!['short', 'json', 'yaml'].includes(f.output)) throw invalidFlag('-o/--output', f.output, 'expected short, json or yaml');
      const kind = type.replace(/s$/, '');
      const { dump, ejected } = await loadDump(pod, f, kind);
      process.stdout.write(render(kind, dump, f, ejected));
    });
}
