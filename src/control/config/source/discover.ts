/**
 * Finds config files: each path is a file (taken whatever its extension) or a folder searched
 * for *.yaml, *.yml and *.json, recursively unless `recursive` is false (istioctl analyze reads
 * a folder's own files unless -R; hidden folders such as .git are always skipped).
 * Each file once (however it was named), sorted, so loading is deterministic.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { ConfigErrorCodes } from '../errors.ts';
import { makeIssue, type ConfigIssue } from '../issue.ts';

export const CONFIG_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export const isConfigFile = (name: string): boolean => CONFIG_EXTENSIONS.has(extname(name).toLowerCase());

async function walk(dir: string, out: string[], dirs: Set<string>, recursive: boolean): Promise<void> {
  dirs.add(dir);
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (recursive) await walk(full, out, dirs, recursive);
    }
    else if ((e.isFile() || e.isSymbolicLink()) && isConfigFile(e.name)) out.push(full);
  }
}

export interface Discovery {
  readonly files: string[];
  /** Every folder searched (what a watcher watches). */
  readonly dirs: string[];
  readonly issues: ConfigIssue[];
}

export async function discoverFiles(paths: readonly string[], recursive = true): Promise<Discovery> {
  const files = new Map<string, string>();
  const dirs = new Set<string>();
  const add = (f: string): void => {
    if (!files.has(resolve(f))) files.set(resolve(f), f);
  };
  const issues: ConfigIssue[] = [];
  for (const p of paths) {
    try {
      const st = await stat(p);
      if (st.isDirectory()) {
        const found: string[] = [];
        await walk(p, found, dirs, recursive);
        found.forEach(add);
      } else {
        add(p);
      }
    } catch (err) {
      issues.push(makeIssue({
        severity: 'error', code: ConfigErrorCodes.Unreadable, file: p, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      }));
    }
  }
  const sorted = [...files.keys()].sort().map((k) => files.get(k) as string);
  return { files: sorted, dirs: [...dirs].sort(), issues };
}
