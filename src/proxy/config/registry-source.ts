/**
 * Where registry snapshots come from in registry.json mode (a watched file; with a discovery
 * address the config comes from xDS instead, src/proxy/xds/). Consumers read the current
 * snapshot and are told when a new one has been swapped in.
 */
import type { RegistrySnapshot } from './snapshot.ts';

export interface RegistrySource {
  /** The last good snapshot; undefined until the first valid registry has been loaded. */
  current(): RegistrySnapshot | undefined;
  /** Called after each new snapshot has been swapped in. */
  onUpdate(listener: (snapshot: RegistrySnapshot) => void): void;
  start(): void;
  close(): void;
}
