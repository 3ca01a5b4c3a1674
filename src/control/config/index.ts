/**
 * The config layer's public surface for the rest of the control plane: validate Istio
 * resources at the edge, load and watch files, keep them in a ConfigStore, analyze them.
 */
export { analyze, analyzePaths, type AnalysisInput } from './analyze/analyze.ts';
export { formatMessage, type AnalysisMessage } from './analyze/messages.ts';
export { readRegistry } from './analyze/registry.ts';
export { ConfigError, ConfigErrorCodes, type ConfigErrorCode } from './errors.ts';
export type { ConfigChange, ConfigRejection, ConfigStoreEvents } from './events.ts';
export { hostSubsetOf, hostsOverlap, toFqdn } from './hosts.ts';
export type { ConfigIssue, ResourceRef, Severity } from './issue.ts';
export { ALL_KINDS, KINDS, type Kind, type SpecByKind } from './kinds.ts';
export { DEFAULT_NAMESPACE, keyOf, parseKey, resourceKey, type Resource, type ResourceKey, type ResourceMeta } from './resource.ts';
export { durationMs } from './schema/duration.ts';
export { compileRe2 } from './schema/re2.ts';
export { lineOfField, loadFile, loadPaths, loadText, type FileLoad, type LoadResult } from './source/load.ts';
export type { KubeObject, LoadNote } from './source/objects.ts';
export { syncPaths, watchConfig, type ConfigWatcher, type WatchOptions } from './source/watch.ts';
export { ConfigStore, type ApplyResult, type ApplyStatus, type SourceSnapshot } from './store.ts';
export { validateResource, type ValidateOptions, type ValidationResult } from './validate.ts';
