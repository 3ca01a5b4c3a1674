/**
 * The credential Secrets the control plane knows, by `namespace/name`, each owned by the source
 * (file) that provided it, as the ConfigStore owns Istio resources: a re-synced source replaces
 * what it provided; a Secret whose new version was refused stays at its last good version. The
 * ConfigStore holds one and reports its changes in its own change events (kind `Secret`). Kept
 * apart from the Istio kinds: Secrets are Kubernetes objects, not Istio config, and never appear
 * in the config API, analyze or debug dumps.
 */
import type { CredentialSecret } from './kube-secret.ts';

const keyOf = (s: { namespace: string; name: string }): string => `${s.namespace}/${s.name}`;
const same = (a: CredentialSecret, b: CredentialSecret): boolean => a.cert === b.cert && a.key === b.key && a.caCert === b.caCert;

export class SecretIndex {
  private readonly items = new Map<string, { secret: CredentialSecret; source: string }>();
  private changes = new Set<string>();

  get(namespace: string, name: string): CredentialSecret | undefined {
    return this.items.get(`${namespace}/${name}`)?.secret;
  }

  /** A frozen copy of every Secret now (for one push context). */
  snapshot(): ReadonlyMap<string, CredentialSecret> {
    return new Map([...this.items].map(([k, v]) => [k, v.secret]));
  }

  /** Replaces what `source` provides; `kept` (namespace/name) are refused new versions whose old one stays. */
  sync(source: string, secrets: readonly CredentialSecret[], kept: readonly string[], partial: boolean): void {
    const keep = new Set(kept);
    for (const s of secrets) {
      const key = keyOf(s);
      keep.add(key);
      const prior = this.items.get(key);
      this.items.set(key, { secret: s, source });
      if (!prior || !same(prior.secret, s)) this.changes.add(key);
    }
    if (partial) return;
    for (const [key, v] of this.items) {
      if (v.source === source && !keep.has(key)) {
        this.items.delete(key);
        this.changes.add(key);
      }
    }
  }

  /** The `namespace/name` of each Secret changed since the last call. */
  takeChanges(): ReadonlySet<string> {
    const out = this.changes;
    this.changes = new Set();
    return out;
  }
}
