/**
 * registry.json as a ServiceRegistry (Istio's Kubernetes registry, as the one-host runtime
 * publishes it). The runtime replaces the file by rename, so the folder is watched (a watch on
 * the file would follow the old inode), with a slow poll of the file's identity as a fallback.
 * A file that does not parse or validate is refused and the last good snapshot stays.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { describeError } from '../../core/errors.ts';
import { silentLogger, type Logger } from '../../core/log.ts';
import { EMPTY_SNAPSHOT } from './model.ts';
import { parseRegistryJson } from './registry-json.ts';
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
  private readonly path: string;
  private readonly debounceMs: number;
  private readonly pollMs: number;
  private version = -1;
  private lastText: string | undefined;
  private lastIdentity = '';
  private error: string | undefined;
  private watcher: FSWatcher | undefined;
  private poller: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(opts: FileRegistryOptions) {
    super('registry.json', 'Kubernetes', opts.log ?? silentLogger);
    this.path = resolve(opts.path);
    this.debounceMs = opts.debounceMs ?? 50;
    this.pollMs = opts.pollMs ?? 2000;
  }

  status(): FileRegistryStatus {
    return { file: this.path, version: this.version, ...(this.error !== undefined ? { error: this.error } : {}) };
  }

  /** Loads the file once (a missing or invalid file leaves the registry empty), then watches it. */
  async start(): Promise<void> {
    this.watchFolder();
    this.poller = setInterval(() => void this.poll(), this.pollMs);
    this.poller.unref();
    await this.reload();
  }

  /** Reads the file now; resolves when this (or a following) read has finished. */
  reload(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = this.load().finally(() => {
      this.loading = undefined;
      if (this.again && !this.closed) {
        this.again = false;
        void this.reload();
      }
    });
    return this.loading;
  }

  override close(): void {
    this.closed = true;
    this.watcher?.close();
    if (this.poller) clearInterval(this.poller);
    if (this.timer) clearTimeout(this.timer);
    super.close();
  }

  private watchFolder(): void {
    if (this.watcher || this.closed) return;
    const name = basename(this.path);
    try {
      const w = watch(dirname(this.path), { persistent: false }, (_event, file) => {
        if (file === null || file === name) this.schedule();
      });
      w.on('error', (err) => {
        this.log.warn(`registry: watching ${dirname(this.path)} failed, polling: ${err.message}`);
        w.close();
        this.watcher = undefined;
      });
      this.watcher = w;
    } catch {
      // The folder may not exist yet: the poll retries.
    }
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.reload();
    }, this.debounceMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    this.watchFolder();
    const id = await stat(this.path).then((s) => `${s.ino}:${s.size}:${s.mtimeMs}`, () => 'missing');
    if (id !== this.lastIdentity) this.schedule();
  }

  private async load(): Promise<void> {
    if (this.closed) return;
    let body: string;
    try {
      this.lastIdentity = await stat(this.path).then((s) => `${s.ino}:${s.size}:${s.mtimeMs}`, () => 'missing');
      body = await readFile(this.path, 'utf8');
    } catch (err) {
      this.refuse(`registry ${this.path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? describeError(err)}`);
      return;
    }
    if (body === this.lastText) return;
    try {
      const parsed = parseRegistryJson(body, this.path);
      this.lastText = body;
      this.error = undefined;
      this.version = parsed.version;
      const change = this.replace(parsed.snapshot);
      this.log.info(`registry: loaded version ${parsed.version} (${parsed.snapshot.services.length} services, ${parsed.snapshot.endpoints.length} endpoints; ` +
        `${change.services.size} services and ${change.endpoints.size} hosts' endpoints changed)`);
    } catch (err) {
      this.lastText = body;
      this.refuse(`${describeError(err)} (keeping version ${this.version})`);
    }
  }

  private refuse(message: string): void {
    if (message !== this.error) this.log.warn(message);
    this.error = message;
    if (!this.synced()) this.replace(EMPTY_SNAPSHOT);
  }
}
