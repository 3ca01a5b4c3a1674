/**
 * Whether a pod gets a sidecar, as Istio's injector decides: the pod's
 * `sidecar.istio.io/inject` label, else its annotation, says yes or no; otherwise the namespace
 * label `istio-injection=enabled` does. A namespace labelled `istio-injection=disabled` never
 * gets sidecars. Also the pod's proxy.istio.io/config fields the runtime honours.
 */
import { parse } from 'yaml';
import type { Labels, ObjectMeta } from '../model/objects.ts';

const INJECT = 'sidecar.istio.io/inject';

function truthy(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  const s = v.trim().toLowerCase();
  if (['y', 'yes', 'true', 'on', 'enabled'].includes(s)) return true;
  if (['n', 'no', 'false', 'off', 'disabled'].includes(s)) return false;
  return undefined;
}

export function injectionRequested(pod: ObjectMeta, namespaceLabels: Labels): boolean {
  const nsLabel = namespaceLabels['istio-injection'];
  if (nsLabel === 'disabled') return false;
  const own = truthy(pod.labels[INJECT]) ?? truthy(pod.annotations[INJECT]);
  if (own !== undefined) return own;
  return nsLabel === 'enabled';
}

export interface ProxyConfigFields {
  readonly holdApplicationUntilProxyStarts: boolean;
  readonly terminationDrainSeconds: number;
  /** The annotation as JSON (Istio's PROXY_CONFIG), when the pod has one. */
  readonly json?: string;
}

function seconds(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(v.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'm' ? n * 60 : n;
}

/** Reads proxy.istio.io/config (YAML or JSON); bad text yields a warning and the defaults. */
export function proxyConfig(annotations: Labels, warn: (msg: string) => void): ProxyConfigFields {
  const text = annotations['proxy.istio.io/config'];
  const defaults = { holdApplicationUntilProxyStarts: true, terminationDrainSeconds: 5 };
  if (text === undefined) return defaults;
  let cfg: unknown;
  try {
    cfg = parse(text);
  } catch (err) {
    warn(`metadata.annotations["proxy.istio.io/config"]: not YAML (${(err as Error).message.split('\n')[0] ?? ''}); ignored`);
    return defaults;
  }
  if (typeof cfg !== 'object' || cfg === null || Array.isArray(cfg)) return defaults;
  const o = cfg as Record<string, unknown>;
  const hold = o['holdApplicationUntilProxyStarts'];
  const drain = seconds(o['terminationDrainDuration']);
  return {
    holdApplicationUntilProxyStarts: typeof hold === 'boolean' ? hold : true,
    terminationDrainSeconds: drain ?? 5,
    json: JSON.stringify(o),
  };
}
