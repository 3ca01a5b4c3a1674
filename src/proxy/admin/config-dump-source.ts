/**
 * What admin /config_dump shows, per resource type, from whichever config source is in use:
 * the bootstrap, and for clusters, listeners, routes and endpoints the resources in force
 * (proto3 JSON with "@type", as accepted), each with the version it arrived in and when, plus
 * the last rejected update per resource name (Envoy's error_state).
 */

export type Json = Record<string, unknown>;

export interface DumpedResource {
  readonly name: string;
  readonly versionInfo: string;
  /** RFC 3339. */
  readonly lastUpdated: string;
  /** The resource in proto3 JSON, with "@type" first. */
  readonly resource: Json;
}

export interface RejectedResource {
  readonly name: string;
  readonly failedConfiguration: Json;
  readonly lastUpdateAttempt: string;
  readonly details: string;
  /** The version of the rejected update. */
  readonly versionInfo: string;
}

export interface ResourceSection {
  /** The last accepted version of the type. */
  readonly versionInfo: string;
  readonly static: readonly DumpedResource[];
  readonly dynamic: readonly DumpedResource[];
  readonly rejected: readonly RejectedResource[];
}

export interface ConfigDumpSource {
  /** envoy.config.bootstrap.v3.Bootstrap in proto3 JSON. */
  bootstrap(): Json;
  clusters(): ResourceSection;
  listeners(): ResourceSection;
  routes(): ResourceSection;
  endpoints(): ResourceSection;
}

export const emptySection: ResourceSection = Object.freeze({ versionInfo: '', static: [], dynamic: [], rejected: [] });
