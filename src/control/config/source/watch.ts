/**
 * Keeps a ConfigStore in step with files and folders: a full load at start, then a debounced
 * rescan whenever something changes, one store batch per scan. Each folder searched is watched
 * on its own (inotify on the folder sees files created, deleted, written, or replaced by rename
 * as editors save), and a file given by name is watched through its folder; the set of watched
 * folders follows the tree after every scan. Each file is a source: a file that disappears takes
 * its resources with it; a file that no longer parses, or a resource whose new version is
 * invalid, keeps the last good version (and is reported).
 */
import { watch, type FSWatcher } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { silentLogger, type Logger } from '../../../core/log.ts';
import type { ConfigStore } from '../store.ts';
import { secretsOf } from '../secrets/file-secrets.ts';
import { loadPaths, type LoadResult } from './load.ts';

export interface WatchOptions {
  readonly debounceMs?: number;
  readonly logger?: Logger;
  /** Whether the watches alone keep the process alive (default false: a server keeps it alive). */
  readonly persistent?: boolean;
}

export interface ConfigWatcher {
  /** Loads everything again now (also what a file event triggers, after the debounce). */
  rescan(): Promise<LoadResult>;
  close(): void;
}

const PATHS_SOURCE = 'paths';
export const fileSource = (file: string): string => `file:${resolve(file)}`;

/** One load of `paths` into `store`; `known` are the file sources of the previous load (updated in place). */
export async function syncPaths(paths: readonly string[], store: ConfigStore, known: Set<string> = new Set()): Promise<LoadResult> {
  const result = await loadPaths(paths);
  store.batch(() => {
    const seen = new Set<string>();
    for (const f of result.files) {
      const src = fileSource(f.file);
      seen.add(src);
      const secrets = secretsOf(f.file, f.objects);
      store.sync(src, {
        resources: f.resources, rejected: f.rejected, issues: [...f.issues, ...secrets.issues], partial: f.failed,
        secrets: secrets.secrets, rejectedSecrets: secrets.rejected,
      });
    }
    for (const src of known) if (!seen.has(src)) store.sync(src, { resources: [] });
    store.sync(PATHS_SOURCE, { resources: [], issues: result.pathIssues, partial: true });
    known.clear();
    seen.forEach((s) => known.add(s));
  });
  return result;
}

export async function watchConfig(paths: readonly string[], store: ConfigStore, opts: WatchOptions = {}): Promise<ConfigWatcher> {
  const logger = opts.logger ?? silentLogger;
  const debounceMs = opts.debounceMs ?? 100;
  const known = new Set<string>();
  const watchers = new Map<string, FSWatcher>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<LoadResult> | undefined;
  let again = false;
  let closed = false;

  const onEvent = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      rescan().catch((err: unknown) => logger.error(`config rescan failed: ${(err as Error).message}`));
    }, debounceMs);
  };

  const follow = (result: LoadResult): void => {
    const wanted = new Set([...result.dirs, ...paths.filter((p) => !result.dirs.includes(p)).map((p) => dirname(p))].map((d) => resolve(d)));
    for (const [dir, w] of watchers) {
      if (!wanted.has(dir)) {
        w.close();
        watchers.delete(dir);
      }
    }
    for (const dir of wanted) {
      if (watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: opts.persistent ?? false }, onEvent);
        w.on('error', (err) => logger.warn(`watching ${dir}: ${err.message}`));
        watchers.set(dir, w);
      } catch (err) {
        logger.warn(`cannot watch ${dir}: ${(err as Error).message}`);
      }
    }
  };

  const rescan = (): Promise<LoadResult> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let result: LoadResult;
      do {
        again = false;
        result = await syncPaths(paths, store, known);
        if (!closed) follow(result);
      } while (again && !closed);
      return result;
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  await rescan();
  return {
    rescan,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
