/**
 * A mode is what sits in the sidecar position of both pods: nothing (the no-mesh baseline),
 * Mizzen, or HAProxy in tcp or http mode. Each mode starts its proxies on a fresh topology and
 * says which processes are the proxies, so their CPU time and memory can be read from /proc.
 */
import type { L7Telemetry } from '../report/types.ts';
import type { Topology } from './topology.ts';

export type ModeName = 'baseline' | 'mizzen' | 'haproxy-tcp' | 'haproxy-http';

export const ALL_MODES: readonly ModeName[] = ['baseline', 'mizzen', 'haproxy-tcp', 'haproxy-http'];

export const MODE_LABELS: Readonly<Record<ModeName, string>> = {
  'baseline': 'no mesh (baseline)',
  'mizzen': 'Mizzen sidecars (L7 for http/http2 ports), programmed over xDS by mizzen control',
  'haproxy-tcp': 'HAProxy, tcp mode',
  'haproxy-http': 'HAProxy, http mode',
};

/** How each mode carries the h2c port: at L7 (HTTP/2 codec both legs) or as bytes (L4). */
export const H2C_LAYER: Readonly<Record<ModeName, string>> = { 'baseline': 'h2c', 'mizzen': 'h2c, L7', 'haproxy-tcp': 'h2c, L4', 'haproxy-http': 'h2c, L7' };
/** And the gRPC port. */
export const GRPC_LAYER: Readonly<Record<ModeName, string>> = { 'baseline': 'gRPC', 'mizzen': 'gRPC, L7', 'haproxy-tcp': 'gRPC, L4', 'haproxy-http': 'gRPC, L7' };

export interface ModeContext {
  readonly topo: Topology;
  /** The run's own folder for this mode (configs, logs), readable by uid 1337. */
  readonly dir: string;
  /** taskset -c list for the proxies. */
  readonly proxyCpus: string;
  /** taskset -c list for everything else (load, apps, a control plane). */
  readonly loadCpus: string;
}

export interface ProxyProcess {
  readonly side: 'client' | 'server';
  readonly pid: number;
}

/** A process of the mode that is not a sidecar (Mizzen's control plane): measured, but on its own. */
export interface SideProcess {
  readonly name: string;
  readonly pid: number;
}

export interface ProxySet {
  readonly proxies: readonly ProxyProcess[];
  readonly others?: readonly SideProcess[];
  /** What the sidecars recorded at L7 (read before they stop). */
  telemetry?(): L7Telemetry;
  stop(): Promise<void>;
}

export const NO_PROXIES: ProxySet = { proxies: [], stop: () => Promise.resolve() };
