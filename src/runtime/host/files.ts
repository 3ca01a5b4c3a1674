/**
 * File writes the mesh relies on: atomic replacement (temp file + rename) for files readers
 * must never see half-written (registry.json, mesh.json), and in-place rewrites for the
 * /etc/netns files, which running processes see through a bind mount of the original inode.
 */
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeAtomic(path: string, text: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}

export function writeInPlace(path: string, text: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a+', mode);
  try {
    ftruncateSync(fd, 0);
    writeSync(fd, text, 0);
  } finally {
    closeSync(fd);
  }
}
