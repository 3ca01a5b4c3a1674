/** The decoded, validated objects of one apply, grouped by kind, in the order they were read. */
import type { IstioDoc } from '../istio/istio-config.ts';
import type { SecretDoc } from '../istio/secrets.ts';
import type { Deployment, KubeObject, Namespace, Pod, Service, ServiceAccount } from '../model/objects.ts';

export interface ManifestSet {
  readonly namespaces: readonly Namespace[];
  readonly serviceAccounts: readonly ServiceAccount[];
  readonly services: readonly Service[];
  readonly deployments: readonly Deployment[];
  readonly pods: readonly Pod[];
  /** Istio resources (networking.istio.io, security.istio.io), validated, for the control plane. */
  readonly istio: readonly IstioDoc[];
  /** v1 Secrets (gateway credentials), validated, for the control plane. */
  readonly secrets: readonly SecretDoc[];
  /** Every object, in the order the documents were read. */
  readonly objects: readonly KubeObject[];
  /** Accepted-but-ignored fields and similar notes, each naming the object. */
  readonly warnings: readonly string[];
}

/** Known objects from the running mesh that an apply may refer to. */
export interface ExistingObjects {
  readonly namespaces: readonly string[];
  /** "namespace/name" */
  readonly serviceAccounts: readonly string[];
}
