/**
 * A mode is what sits in the sidecar position of both pods: nothing (the no-mesh baseline),
 * Mizzen, or HAProxy in tcp or http mode. Each mode starts its proxies on a fresh topology and
 * says which processes are the proxies, so their CPU time and memory can be read from /proc.
 */
import type { Topology } from './topology.ts';

export type ModeName = 'baseline' | 'mizzen' | 'haproxy-tcp' | 'haproxy-http';

export const ALL_MODES: readonly ModeName[] = ['baseline', 'mizzen', 'haproxy-tcp', 'haproxy-http'];

export const MODE_LABELS: Readonly<Record<ModeName, string>> = {
  'baseline': 'no mesh (baseline)',
  'mizzen': 'Mizzen sidecars (L4)',
  'haproxy-tcp': 'HAProxy, tcp mode',
  'haproxy-http': 'HAProxy, http mode',
};

export interface ModeContext {
  readonly topo: Topology;
  /** The run's own folder for this mode (configs, logs), readable by uid 1337. */
  readonly dir: string;
  /** taskset -c list for the proxies. */
  readonly proxyCpus: string;
}

export interface ProxyProcess {
  readonly side: 'client' | 'server';
  readonly pid: number;
}

export interface ProxySet {
  readonly proxies: readonly ProxyProcess[];
  stop(): Promise<void>;
}

export const NO_PROXIES: ProxySet = { proxies: [], stop: () => Promise.resolve() };
