/**
 * The watched file: a rename over the file is seen through the directory watch, a directory
 * that does not exist yet is found by polling, text the parser refuses (or a file that cannot be
 * read) is reported and the last good value stays, and nothing is emitted after close().
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { silentLogger, type Logger } from '../../src/core/log.ts';
import { WatchedFile, type FileRejection } from '../../src/core/watched-file.ts';
import { waitFor } from '../helpers/netns.ts';

const root = mkdtempSync(join(tmpdir(), 'mz-watched-'));
const files: { close(): void }[] = [];
after(() => {
  for (const f of files) f.close();
  rmSync(root, { recursive: true, force: true });
});

/** Replaces the file as the runtime does: write a temp file, rename over. */
function replace(path: string, body: string): void {
  writeFileSync(`${path}.tmp`, body);
  renameSync(`${path}.tmp`, path);
}

/** A watched JSON file whose value must be an object with a numeric `v`. */
function watched(path: string, opts: { pollMs?: number; log?: Logger } = {}): { file: WatchedFile<{ v: number }>; values: number[]; rejections: FileRejection[] } {
  const parse = (text: string): { v: number } => {
    const doc = JSON.parse(text) as { v?: unknown };
    if (typeof doc.v !== 'number') throw new Error(`v: ${JSON.stringify(doc.v)}: expected a number`);
    return { v: doc.v };
  };
  const file = new WatchedFile({ path, parse, debounceMs: 10, pollMs: opts.pollMs ?? 60_000, log: opts.log ?? silentLogger });
  files.push(file);
  const values: number[] = [];
  const rejections: FileRejection[] = [];
  file.on('change', (x) => values.push(x.v));
  file.on('rejected', (r) => rejections.push(r));
  return { file, values, rejections };
}

describe('WatchedFile', () => {
  it('follows renames through the directory watch, skips unchanged text, and keeps the last good value when one is refused', async () => {
    const dir = join(root, 'a');
    mkdirSync(dir);
    const path = join(dir, 'doc.json');
    replace(path, '{"v": 1}');
    const { file, values, rejections } = watched(path);
    await file.start();
    assert.deepEqual([file.current(), values], [{ v: 1 }, [1]]);

    replace(path, '{"v": 2}');
    await waitFor(() => file.current()?.v === 2, 5000, 'v 2 through the watch');
    replace(path, '{"v": 2}');
    await file.reload();
    assert.deepEqual(values, [1, 2], 'the same text again is no change');

    replace(path, '{"v": "three"}');
    await waitFor(() => rejections.length === 1, 5000, 'the bad text to be refused');
    assert.equal(rejections[0]?.kind, 'invalid');
    assert.match(String(rejections[0]?.error), /v: "three": expected a number/);
    assert.deepEqual(file.current(), { v: 2 }, 'the last good value stays');

    unlinkSync(path);
    await file.reload();
    assert.deepEqual([rejections[1]?.kind, (rejections[1]?.error as NodeJS.ErrnoException).code], ['unreadable', 'ENOENT']);
    assert.deepEqual(file.current(), { v: 2 });

    replace(path, '{"v": 4}');
    await waitFor(() => file.current()?.v === 4, 5000, 'v 4');
    assert.deepEqual(values, [1, 2, 4]);
    assert.equal(file.path, path);
  });

  it('polls for a directory that does not exist yet, then watches it', async () => {
    const dir = join(root, 'later');
    const path = join(dir, 'doc.json');
    const warnings: string[] = [];
    const { file, rejections } = watched(path, { pollMs: 100, log: { ...silentLogger, warn: (m) => warnings.push(m) } });
    await file.start();
    assert.match(warnings[0] ?? '', /cannot watch .*later yet, polling doc\.json/);
    assert.equal(file.current(), undefined);
    assert.equal(rejections[0]?.kind, 'unreadable');
    mkdirSync(dir);
    replace(path, '{"v": 7}');
    await waitFor(() => file.current()?.v === 7, 5000, 'v 7 by polling');
    replace(path, '{"v": 8}');
    await waitFor(() => file.current()?.v === 8, 5000, 'v 8');
    assert.equal(warnings.length, 1, 'the missing directory is reported once');
  });

  it('isolates a failing listener, can remove a listener, and emits nothing after close', async () => {
    const dir = join(root, 'c');
    mkdirSync(dir);
    const path = join(dir, 'doc.json');
    replace(path, '{"v": 1}');
    const errors: string[] = [];
    const { file, values } = watched(path, { log: { ...silentLogger, error: (m) => errors.push(m) } });
    const seen: number[] = [];
    file.on('change', () => {
      throw new Error('boom');
    });
    const off = file.on('change', (x) => seen.push(x.v));
    await file.start();
    assert.deepEqual([values, seen], [[1], [1]]);
    assert.match(errors[0] ?? '', /doc\.json: change listener failed: boom/);

    off();
    replace(path, '{"v": 2}');
    await file.reload();
    assert.deepEqual([values, seen], [[1, 2], [1]]);

    file.close();
    replace(path, '{"v": 3}');
    await file.reload();
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual([values, file.current()], [[1, 2], { v: 2 }]);
  });
});
