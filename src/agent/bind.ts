/**
 * Binds Istio's environment and `mizzen sidecar`'s flags into one SidecarConfig (defaults <
 * PROXY_CONFIG < env < flags) and validates it at the edge: a bad value is reported with the
 * flag or environment variable it came from, and nothing starts. Like pilot-agent, every
 * ISTIO_META_* / ISTIO_METAJSON_* variable also becomes node metadata.
 */
import { isIP } from 'node:net';
import { invalidFlag } from '../core/errors.ts';
import type { Level } from '../core/log.ts';
import { accessLogFormatProblem, isAccessLogEncoding } from '../proxy/access-log/log-format.ts';
import { isEnvoyLevel } from '../proxy/core/log-levels.ts';
import { parseAppProbers } from './app-probers.ts';
import { defaultSidecarConfig, freezeSidecarConfig, type FrozenSidecarConfig, type PodPort, type SidecarConfig } from './config.ts';
import { sidecarFlags, type FlagDef, type FlagKind } from './flags.ts';
import { discoveryAddressProblem } from './discovery-address.ts';
import { parsePrometheusAnnotations } from './metrics-merge.ts';
import { discoveryAddressFromProxyConfig, parseProxyConfig, PROXY_CONFIG_SOURCE } from './proxy-config-env.ts';

export type RawFlags = Readonly<Record<string, string | boolean | undefined>>;

const BOOLS: Record<string, boolean> = { '1': true, t: true, true: true, yes: true, '0': false, f: false, false: false, no: false, '': false };

/** Durations as Go and Envoy write them (`10s`, `500ms`, `1m`), or plain seconds. */
export function parseDurationMs(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000;
  return Math.round(n * unit);
}

function parseJson(v: string, source: string): unknown {
  try {
    return JSON.parse(v);
  } catch (err) {
    throw invalidFlag(source, v, `not valid JSON: ${(err as Error).message}`);
  }
}

function parseValue(kind: FlagKind, v: string, source: string): unknown {
  const bad = (reason: string): never => { throw invalidFlag(source, v, reason); };
  switch (kind) {
    case 'string': return v;
    case 'port':
      if (!/^\d+$/.test(v) || Number(v) > 65535) bad('expected a port number from 0 to 65535');
      return Number(v);
    case 'count':
      if (!/^\d+$/.test(v) || Number(v) < 1) bad('expected a whole number of at least 1');
      return Number(v);
    case 'duration': {
      const ms = parseDurationMs(v);
      return ms === undefined || ms <= 0 ? bad('expected a positive duration such as 10s or 500ms') : ms;
    }
    case 'seconds':
      if (!/^\d+(\.\d+)?$/.test(v)) bad('expected a number of seconds');
      return Math.round(Number(v) * 1000);
    case 'bool': {
      const b = BOOLS[v.toLowerCase()];
      return b === undefined ? bad('expected a boolean (true/false, 1/0)') : b;
    }
    case 'policy':
      if (v !== 'ALLOW_ANY' && v !== 'REGISTRY_ONLY') bad('expected ALLOW_ANY or REGISTRY_ONLY');
      return v;
    case 'mode':
      if (v !== 'REDIRECT' && v !== 'TPROXY') bad('expected REDIRECT or TPROXY');
      return v;
    case 'proxy-level':
      if (!isEnvoyLevel(v)) bad('expected trace, debug, info, warning, error, critical or off');
      return v;
    case 'level':
      if (!['debug', 'info', 'warn', 'error'].includes(v)) bad('expected debug, info, warn or error');
      return v as Level;
    case 'list': return v.split(',').map((s) => s.trim()).filter(Boolean);
    case 'labels': {
      if (v.trim() === '') return {};
      const o = parseJson(v, source);
      if (typeof o !== 'object' || o === null || Array.isArray(o) || Object.values(o).some((x) => typeof x !== 'string')) bad('expected a JSON object of string labels');
      return o;
    }
    case 'pod-ports': {
      if (v.trim() === '') return [];
      const list = parseJson(v, source);
      if (!Array.isArray(list)) bad('expected a JSON list of container ports');
      return (list as unknown[]).map((p, i): PodPort => {
        const o = (p ?? {}) as Record<string, unknown>;
        const port = o['containerPort'];
        if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) bad(`[${i}].containerPort is not a port number`);
        return { containerPort: port as number, protocol: typeof o['protocol'] === 'string' ? o['protocol'] : 'TCP', ...(typeof o['name'] === 'string' ? { name: o['name'] } : {}) };
      });
    }
    case 'address': {
      const problem = discoveryAddressProblem(v);
      return problem === undefined ? v : bad(problem);
    }
    case 'encoding':
      if (!isAccessLogEncoding(v)) bad('expected TEXT or JSON');
      return v;
    case 'probers': return parseAppProbers(v, source);
    case 'prometheus': return parsePrometheusAnnotations(v, source);
  }
}

function sourceOf(d: FlagDef, fromFlag: boolean, env?: string): string {
  return fromFlag ? `--${d.long}` : `environment variable ${env ?? ''}`;
}

/** ISTIO_META_<NAME>=v -> NAME: "v"; ISTIO_METAJSON_<NAME>=json -> NAME: parsed (pilot-agent's rule). */
function metadataFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    if (k.startsWith('ISTIO_METAJSON_')) out[k.slice('ISTIO_METAJSON_'.length)] = parseJson(v, `environment variable ${k}`);
    else if (k.startsWith('ISTIO_META_')) out[k.slice('ISTIO_META_'.length)] = v;
  }
  return out;
}

export function bindSidecarConfig(opts: { env: NodeJS.ProcessEnv; flags: RawFlags }): FrozenSidecarConfig {
  const cfg = defaultSidecarConfig();
  const target = cfg as unknown as Record<string, unknown>;
  const sources = new Map<keyof SidecarConfig, string>();
  const proxyConfig = opts.env['PROXY_CONFIG'];
  const fromProxyConfig = proxyConfig === undefined ? undefined : discoveryAddressFromProxyConfig(proxyConfig);
  if (fromProxyConfig !== undefined) {
    cfg.discoveryAddress = parseValue('address', fromProxyConfig, PROXY_CONFIG_SOURCE) as string;
    sources.set('discoveryAddress', PROXY_CONFIG_SOURCE);
  }
  for (const d of sidecarFlags) {
    for (const name of d.env) {
      const v = opts.env[name];
      if (v === undefined) continue;
      target[d.field] = parseValue(d.kind, v, sourceOf(d, false, name));
      sources.set(d.field, sourceOf(d, false, name));
    }
    const f = opts.flags[d.long];
    if (f === undefined) continue;
    target[d.field] = parseValue(d.kind, typeof f === 'boolean' ? String(f) : f, sourceOf(d, true));
    sources.set(d.field, sourceOf(d, true));
  }
  cfg.nodeMetadata = metadataFromEnv(opts.env);
  const proxyConfigDoc = proxyConfig === undefined ? undefined : parseProxyConfig(proxyConfig);
  if (proxyConfigDoc !== undefined && cfg.nodeMetadata['PROXY_CONFIG'] === undefined) cfg.nodeMetadata['PROXY_CONFIG'] = proxyConfigDoc;
  const label = (field: keyof SidecarConfig): string => sources.get(field) ?? `--${sidecarFlags.find((d) => d.field === field)?.long ?? field}`;
  if (cfg.registryPath === '' && cfg.discoveryAddress === '') {
    throw invalidFlag('--registry (or MIZZEN_REGISTRY)', '', 'the service registry path is required when there is no discovery address (--discovery-address, PILOT_DISCOVERY_ADDRESS, PROXY_CONFIG)');
  }
  if (cfg.instanceIp !== '' && isIP(cfg.instanceIp) === 0) throw invalidFlag(label('instanceIp'), cfg.instanceIp, 'expected an IP address');
  const ports = (['proxyAdminPort', 'outboundPort', 'inboundPort', 'statusPort', 'readinessPort', 'prometheusPort'] as const).filter((f) => cfg[f] !== 0);
  for (const f of ports) {
    const clash = ports.find((g) => g !== f && cfg[g] === cfg[f]);
    if (clash) throw invalidFlag(label(f), cfg[f], `port is also used by ${label(clash)}`);
  }
  const formatProblem = accessLogFormatProblem({ encoding: cfg.accessLogEncoding, format: cfg.accessLogFormat });
  if (formatProblem !== undefined) {
    throw invalidFlag(label('accessLogFormat'), cfg.accessLogFormat, `not a valid ${cfg.accessLogEncoding} access log format: ${formatProblem}`);
  }
  if (cfg.prometheusScrape && Number(cfg.prometheusScrape.port) === cfg.statusPort) {
    throw invalidFlag(label('prometheusScrape'), cfg.prometheusScrape.port, 'application port is the same as the agent status port, which would be a scrape loop');
  }
  return freezeSidecarConfig(cfg);
}
