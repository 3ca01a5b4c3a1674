/** Kubernetes objects that are not Istio config (Deployments, Services, Pods...), kept for the analyzers. */

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly value: Readonly<Record<string, unknown>>;
  readonly file?: string;
  readonly line?: number;
}

/** A document that was read but not loaded as Istio config, and why. */
export interface LoadNote {
  readonly file?: string;
  readonly line?: number;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly message: string;
}
