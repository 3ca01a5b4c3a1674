/**
 * registry.json as a RegistrySource. The runtime replaces the file by rename, so the directory
 * is watched (a watch on the file itself would follow the old inode), with a slow poll of the
 * file's identity as a fallback for filesystems where fs.watch says nothing. A file that does
 * not parse or validate is rejected and the last good snapshot stays in force.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import type { RegistrySource } from './registry-source.ts';
import { parseRegistry } from './registry-validate.ts';
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

export class FileRegistrySource implements RegistrySource {
  private snapshot: RegistrySnapshot | undefined;
  private lastText: string | undefined;
  private lastIdentity = '';
  private readonly listeners: ((s: RegistrySnapshot) => void)[] = [];
  private watcher: FSWatcher | undefined;
  private poller: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private loading: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private readonly opts: FileRegistryOptions;

  constructor(opts: FileRegistryOptions) {
    this.opts = opts;
  }

  current(): RegistrySnapshot | undefined {
    return this.snapshot;
  }

  onUpdate(listener: (snapshot: RegistrySnapshot) => void): void {
    this.listeners.push(listener);
  }

  start(): void {
    this.ensureWatch(true);
    this.poller = setInterval(() => void this.poll(), this.opts.pollMs);
    this.poller.unref();
    void this.reload();
  }

  /** Watches the directory; when it cannot (yet), the poll tries again each round. */
  private ensureWatch(report: boolean): void {
    if (this.watcher || this.closed) return;
    const file = basename(this.opts.path);
    try {
      const w = watch(dirname(this.opts.path), { persistent: false }, (_event, name) => {
        if (name === null || name === file) this.schedule();
      });
      w.on('error', (err) => {
        this.opts.log.warn(`registry watch failed, polling: ${err.message}`);
        w.close();
        this.watcher = undefined;
      });
      this.watcher = w;
    } catch (err) {
      if (report) this.opts.log.warn(`cannot watch ${dirname(this.opts.path)} yet, polling: ${describeError(err)}`);
    }
  }

  /** Loads the file now; resolves when this (or a following) load has finished. */
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

  close(): void {
    this.closed = true;
    this.watcher?.close();
    if (this.poller) clearInterval(this.poller);
    if (this.debounce) clearTimeout(this.debounce);
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.reload(), 25);
  }

  private async poll(): Promise<void> {
    this.ensureWatch(false);
    try {
      const st = await stat(this.opts.path);
      if (`${st.ino}:${st.size}:${st.mtimeMs}` !== this.lastIdentity) await this.reload();
    } catch {
      // Missing file: keep the last good snapshot; the next poll tries again.
    }
  }

  private async load(): Promise<void> {
    const { path, log } = this.opts;
    let text: string;
    try {
      const st = await stat(path);
      this.lastIdentity = `${st.ino}:${st.size}:${st.mtimeMs}`;
      text = await readFile(path, 'utf8');
    } catch (err) {
      if (this.snapshot === undefined) log.warn(`waiting for registry ${path}: ${describeError(err)}`);
      return;
    }
    if (this.closed || text === this.lastText) return;
    this.lastText = text;
    let snapshot: RegistrySnapshot;
    try {
      snapshot = buildSnapshot(parseRegistry(text, path));
    } catch (err) {
      const kept = this.snapshot ? `keeping version ${this.snapshot.version}` : 'no registry loaded yet';
      log.error(`registry rejected (${kept}): ${describeError(err)}`);
      this.opts.events?.rejected(err);
      return;
    }
    this.snapshot = snapshot;
    const r = snapshot.registry;
    log.info(`registry version ${r.version} applied: ${r.services.length} services, ${r.endpoints.length} endpoints, ${r.workloads.length} workloads`);
    this.opts.events?.applied(snapshot);
    for (const l of this.listeners) {
      try {
        l(snapshot);
      } catch (err) {
        log.error(`registry update listener failed: ${describeError(err)}`);
      }
    }
  }
}
