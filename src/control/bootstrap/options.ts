/**
 * ControlOptions: everything `mizzen control` runs with, validated at the edge (each problem
 * names its flag and value) and frozen. Durations use Istio's syntax ("100ms", "1s").
 */
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { parseDurationNanos } from '../config/schema/duration.ts';
import { DEFAULT_MESH_CONFIG, type MeshConfig, type OutboundTrafficPolicyMode } from '../model/mesh-config.ts';
import { ControlErrorCodes, ControlPlaneError } from '../xds/errors.ts';

export interface ControlOptions {
  readonly registry?: string;
  readonly configPaths: readonly string[];
  readonly xdsAddress: string;
  readonly xdsPort: number;
  readonly debugAddress: string;
  readonly debugPort: number;
  readonly debounceAfterMs: number;
  readonly debounceMaxMs: number;
  readonly instanceId: string;
  readonly mesh: MeshConfig;
}

export interface RawControlOptions {
  readonly registry?: string;
  readonly config?: readonly string[];
  readonly xdsAddress?: string;
  readonly xdsPort?: string | number;
  readonly debugAddress?: string;
  readonly debugPort?: string | number;
  readonly outboundTrafficPolicy?: string;
  readonly debounce?: string;
  readonly debounceMax?: string;
  readonly instanceId?: string;
}

const bad = (flag: string, value: unknown, reason: string): ControlPlaneError =>
  new ControlPlaneError(ControlErrorCodes.InvalidOption, `invalid value for ${flag}: ${JSON.stringify(value)}: ${reason}`);

function port(flag: string, v: string | number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw bad(flag, v, 'expected a port number from 0 to 65535 (0 picks a free port)');
  return n;
}

function address(flag: string, v: string | undefined, fallback: string): string {
  if (v === undefined) return fallback;
  if (isIP(v) === 0 && v !== 'localhost') throw bad(flag, v, 'expected an IP address to listen on, such as 0.0.0.0 or 127.0.0.1');
  return v;
}

function millis(flag: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const ns = parseDurationNanos(v);
  if (ns === undefined || ns < 0n) throw bad(flag, v, 'expected a duration such as "100ms" or "1s"');
  return Number(ns / 1_000_000n);
}

/** istiod's pods are `istiod-<hash>`; here the host name stands in for it. */
export const defaultInstanceId = (): string => `istiod-${hostname().split('.')[0] || 'local'}`;

export function controlOptions(raw: RawControlOptions): ControlOptions {
  const policy = (raw.outboundTrafficPolicy ?? DEFAULT_MESH_CONFIG.outboundTrafficPolicy).toUpperCase();
  if (policy !== 'ALLOW_ANY' && policy !== 'REGISTRY_ONLY') throw bad('--outbound-traffic-policy', raw.outboundTrafficPolicy, 'expected ALLOW_ANY or REGISTRY_ONLY');
  const debounceAfterMs = millis('--debounce', raw.debounce, 100);
  const debounceMaxMs = millis('--debounce-max', raw.debounceMax, 1000);
  if (debounceMaxMs < debounceAfterMs) throw bad('--debounce-max', raw.debounceMax, `must be at least --debounce (${debounceAfterMs}ms)`);
  const instanceId = raw.instanceId ?? defaultInstanceId();
  if (instanceId.trim() === '') throw bad('--instance-id', raw.instanceId, 'must not be empty');
  if (raw.registry !== undefined && raw.registry.trim() === '') throw bad('--registry', raw.registry, 'expected the path of registry.json');
  return Object.freeze({
    ...(raw.registry !== undefined ? { registry: raw.registry } : {}),
    configPaths: Object.freeze([...(raw.config ?? [])]),
    xdsAddress: address('--xds-address', raw.xdsAddress, '0.0.0.0'),
    xdsPort: port('--xds-port', raw.xdsPort, 15010),
    debugAddress: address('--debug-address', raw.debugAddress, '0.0.0.0'),
    debugPort: port('--debug-port', raw.debugPort, 15014),
    debounceAfterMs,
    debounceMaxMs,
    instanceId,
    mesh: Object.freeze({ ...DEFAULT_MESH_CONFIG, outboundTrafficPolicy: policy as OutboundTrafficPolicyMode }),
  });
}
