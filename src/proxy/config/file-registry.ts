/**
 * registry.json as a RegistrySource: the file is followed by core/watched-file.ts (directory
 * watch for the runtime's rename, slow poll as a fallback), validated by the shared schema
 * (core/registry/parse.ts) and each new version built into a snapshot and swapped in whole. A
 * file that does not validate is rejected and the last good snapshot stays in force.
 */
import { describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import { parseRegistry } from '../../core/registry/parse.ts';
import { WatchedFile } from '../../core/watched-file.ts';
import type { RegistrySource } from './registry-source.ts';
import { buildSnapshot, type RegistrySnapshot } from './snapshot.ts';

export interface RegistryEvents {
  applied(snapshot: RegistrySnapshot): void;
  rejected(err: unknown): void;
}

export interface FileRegistryOptions {
  readonly path: string;
  readonly pollMs: number;
  readonly log: Logger;
  readonly events?: RegistryEvents;
}

/** Quiet time after a file event before reading (the sidecar's own; WatchedFile's default is 50 ms). */
const DEBOUNCE_MS = 25;

export class FileRegistrySource implements RegistrySource {
  private readonly file: WatchedFile<RegistrySnapshot>;

  constructor(opts: FileRegistryOptions) {
    const { log, events } = opts;
    const file = new WatchedFile({ path: opts.path, pollMs: opts.pollMs, debounceMs: DEBOUNCE_MS, log, parse: (text) => buildSnapshot(parseRegistry(text, opts.path)) });
    file.on('change', (snapshot) => {
      const r = snapshot.registry;
      log.info(`registry version ${r.version} applied: ${r.services.length} services, ${r.endpoints.length} endpoints, ${r.workloads.length} workloads`);
      events?.applied(snapshot);
    });
    file.on('rejected', ({ kind, error }) => {
      const kept = file.current();
      if (kind === 'unreadable') {
        if (kept === undefined) log.warn(`waiting for registry ${opts.path}: ${describeError(error)}`);
        return;
      }
      log.error(`registry rejected (${kept ? `keeping version ${kept.version}` : 'no registry loaded yet'}): ${describeError(error)}`);
      events?.rejected(error);
    });
    this.file = file;
  }

  current(): RegistrySnapshot | undefined {
    return this.file.current();
  }

  onUpdate(listener: (snapshot: RegistrySnapshot) => void): void {
    this.file.on('change', listener);
  }

  start(): void {
    void this.file.start();
  }

  /** Loads the file now; resolves when this (or a following) load has finished. */
  reload(): Promise<void> {
    return this.file.reload();
  }

  close(): void {
    this.file.close();
  }
}
