/**
 * A file another process replaces whole (write a temp file, rename over it), such as
 * registry.json, followed as a parsed value. The directory is watched, since a watch on the file
 * itself would follow the replaced inode; a slow poll of the file's identity (inode, size, mtime)
 * is the fallback where fs.watch says nothing or the directory does not exist yet. New text is
 * parsed and swapped in (`change`); text the parser refuses, or a file that cannot be read, is
 * reported (`rejected`) and the last good value stays in force.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { describeError } from './errors.ts';
import { silentLogger, type Logger } from './log.ts';

export interface WatchedFileOptions<T> {
  readonly path: string;
  /** The file's text -> its value; throws to refuse the text (the last good value stays). */
  readonly parse: (text: string) => T;
  readonly log?: Logger;
  /** Quiet time after a directory event or a changed identity before reading (default 50 ms). */
  readonly debounceMs?: number;
  /** How often the file's identity is polled, for when fs.watch is silent (default 2000 ms). */
  readonly pollMs?: number;
}

/** Why a read left the value as it was: the file could not be read, or parse refused its text. */
export interface FileRejection {
  readonly kind: 'unreadable' | 'invalid';
  readonly error: unknown;
}

export interface WatchedFileEvents<T> {
  /** A new value is in force (the file's text changed and parsed). */
  change: (value: T) => void;
  /** The file could not be read, or parse refused its text; `current()` is still the last good value. */
  rejected: (rejection: FileRejection) => void;
}

type Listeners<T> = { readonly [E in keyof WatchedFileEvents<T>]: Set<WatchedFileEvents<T>[E]> };

const identityOf = (path: string): Promise<string> => stat(path).then((s) => `${s.ino}:${s.size}:${s.mtimeMs}`, () => 'missing');

export class WatchedFile<T> {
  /** The file, as an absolute path. */
  readonly path: string;
  private readonly parse: (text: string) => T;
  private readonly log: Logger;
  private readonly debounceMs: number;
  private readonly pollMs: number;
  private readonly listeners: Listeners<T> = { change: new Set(), rejected: new Set() };
  private value: T | undefined;
  private lastText: string | undefined;
  private lastIdentity = '';
  private watcher: FSWatcher | undefined;
  private poller: NodeJS.Timeout | undefined;
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(opts: WatchedFileOptions<T>) {
    this.path = resolve(opts.path);
    this.parse = opts.parse;
    this.log = opts.log ?? silentLogger;
    this.debounceMs = opts.debounceMs ?? 50;
    this.pollMs = opts.pollMs ?? 2000;
  }

  /** The last good value; undefined until the file has first been read and parsed. */
  current(): T | undefined {
    return this.value;
  }

  /** Adds a listener; returns the function that removes it. */
  on<E extends keyof WatchedFileEvents<T>>(event: E, listener: WatchedFileEvents<T>[E]): () => void {
    const set: Set<WatchedFileEvents<T>[E]> = this.listeners[event];
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Starts watching and polling, and reads the file once; resolves when that read has finished. */
  start(): Promise<void> {
    this.watchDir(true);
    this.poller = setInterval(() => void this.poll(), this.pollMs);
    this.poller.unref();
    return this.reload();
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

  /** Stops watching and polling; no event follows. */
  close(): void {
    this.closed = true;
    this.watcher?.close();
    if (this.poller) clearInterval(this.poller);
    if (this.timer) clearTimeout(this.timer);
  }

  /** Watches the directory; when it cannot (yet), each poll tries again. */
  private watchDir(report: boolean): void {
    if (this.watcher || this.closed) return;
    const dir = dirname(this.path);
    const name = basename(this.path);
    try {
      const w = watch(dir, { persistent: false }, (_event, file) => {
        if (file === null || file === name) this.schedule();
      });
      w.on('error', (err) => {
        this.log.warn(`watching ${dir} failed, polling ${name}: ${err.message}`);
        w.close();
        this.watcher = undefined;
      });
      this.watcher = w;
    } catch (err) {
      if (report) this.log.warn(`cannot watch ${dir} yet, polling ${name}: ${describeError(err)}`);
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
    this.watchDir(false);
    if ((await identityOf(this.path)) !== this.lastIdentity) this.schedule();
  }

  private async load(): Promise<void> {
    if (this.closed) return;
    let text: string;
    try {
      this.lastIdentity = await identityOf(this.path);
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (!this.closed) this.emit('rejected', { kind: 'unreadable', error });
      return;
    }
    if (this.closed || text === this.lastText) return;
    this.lastText = text;
    let value: T;
    try {
      value = this.parse(text);
    } catch (error) {
      this.emit('rejected', { kind: 'invalid', error });
      return;
    }
    this.value = value;
    this.emit('change', value);
  }

  private emit<E extends keyof WatchedFileEvents<T>>(event: E, arg: Parameters<WatchedFileEvents<T>[E]>[0]): void {
    for (const listener of [...this.listeners[event]]) {
      try {
        (listener as (a: typeof arg) => void)(arg);
      } catch (err) {
        this.log.error(`${this.path}: ${event} listener failed: ${describeError(err)}`);
      }
    }
  }
}
