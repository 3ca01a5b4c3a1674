/**
 * registry.json as a ServiceRegistry (Istio's Kubernetes registry, as the one-host runtime
 * publishes it): the file is followed by core/watched-file.ts (directory watch for the runtime's
 * rename, slow poll as a fallback) and each new version is converted (registry-json.ts) and
 * swapped in. A file that cannot be read or does not validate is refused, and the last good
 * snapshot stays; a registry that never loaded is empty (and synced), not blocking.
 */
import { describeError } from '../../core/errors.ts';
import { silentLogger, type Logger } from '../../core/log.ts';
import { WatchedFile, type FileRejection } from '../../core/watched-file.ts';
import { EMPTY_SNAPSHOT } from './model.ts';
import { parseRegistryJson, type ParsedRegistry } from './registry-json.ts';
import { SnapshotRegistry } from './snapshot-registry.ts';

export interface FileRegistryOptions {
  readonly path: string;
  readonly log?: Logger;
  /** Quiet time after a file event before reading (default 50 ms). */
  readonly debounceMs?: number;
  /** Poll of the file's identity, for filesystems where fs.watch is silent (default 2000 ms). */
  readonly pollMs?: number;
}

export interface FileRegistryStatus {
  readonly file: string;
  /** registry.json's own `version` of the snapshot in force (-1 before the first good load). */
  readonly version: number;
  /** Why the latest read was refused, when it was. */
  readonly error?: string;
}

export class FileRegistry extends SnapshotRegistry {
  private readonly file: WatchedFile<ParsedRegistry>;
  private version = -1;
  private error: string | undefined;

  constructor(opts: FileRegistryOptions) {
    super('registry.json', 'Kubernetes', opts.log ?? silentLogger);
    this.file = new WatchedFile({
      path: opts.path, log: this.log, parse: (text) => parseRegistryJson(text, this.file.path),
      ...(opts.debounceMs !== undefined ? { debounceMs: opts.debounceMs } : {}),
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
    });
    this.file.on('change', (parsed) => this.apply(parsed));
    this.file.on('rejected', (r) => this.refuse(r));
  }

  status(): FileRegistryStatus {
    return { file: this.file.path, version: this.version, ...(this.error !== undefined ? { error: this.error } : {}) };
  }

  /** Loads the file once (a missing or invalid file leaves the registry empty), then watches it. */
  start(): Promise<void> {
    return this.file.start();
  }

  /** Reads the file now; resolves when this (or a following) read has finished. */
  reload(): Promise<void> {
    return this.file.reload();
  }

  override close(): void {
    this.file.close();
    super.close();
  }

  private apply(parsed: ParsedRegistry): void {
    this.error = undefined;
    this.version = parsed.version;
    const change = this.replace(parsed.snapshot);
    this.log.info(`registry: loaded version ${parsed.version} (${parsed.snapshot.services.length} services, ${parsed.snapshot.endpoints.length} endpoints; ` +
      `${change.services.size} services and ${change.endpoints.size} hosts' endpoints changed)`);
  }

  private refuse({ kind, error }: FileRejection): void {
    const message = kind === 'unreadable'
      ? `registry ${this.file.path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? describeError(error)}`
      : `${describeError(error)} (keeping version ${this.version})`;
    if (message !== this.error) this.log.warn(message);
    this.error = message;
    if (!this.synced()) this.replace(EMPTY_SNAPSHOT);
  }
}
