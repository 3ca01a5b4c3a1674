/**
 * Where access-log lines go: a file (appended) or stdout, written in batches as Envoy's file
 * access logger flushes its buffer (file_flush_interval): lines collect in memory and go out
 * in one write every `flushMs` or once `maxBytes` have gathered, so a busy proxy makes one
 * write per batch instead of one per request. `close` writes what is left.
 */
import { createWriteStream } from 'node:fs';

export interface AccessLogSink {
  readonly write: (line: string) => void;
  close(): Promise<void>;
}

export const FLUSH_MS = 100;
export const MAX_BATCH_BYTES = 64 * 1024;

function batched(out: (chunk: string) => void, flushMs: number, maxBytes: number): { write: (line: string) => void; flush: () => void } {
  let lines: string[] = [];
  let bytes = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (lines.length === 0) return;
    const chunk = lines.join('');
    lines = [];
    bytes = 0;
    out(chunk);
  };
  return {
    flush,
    write: (line) => {
      lines.push(line);
      bytes += line.length;
      if (bytes >= maxBytes) flush();
      else if (!timer) timer = setTimeout(flush, flushMs).unref();
    },
  };
}

/** `path` '' turns logging off (undefined); '/dev/stdout' is the process's stdout. */
export function accessLogSink(path: string, flushMs = FLUSH_MS, maxBytes = MAX_BATCH_BYTES): AccessLogSink | undefined {
  if (path === '') return undefined;
  if (path === '/dev/stdout') {
    const b = batched((c) => void process.stdout.write(c), flushMs, maxBytes);
    return { write: b.write, close: () => Promise.resolve(b.flush()) };
  }
  const stream = createWriteStream(path, { flags: 'a' });
  stream.on('error', () => {});
  const b = batched((c) => void stream.write(c), flushMs, maxBytes);
  return {
    write: b.write,
    close: () => {
      b.flush();
      return new Promise<void>((r) => stream.end(r));
    },
  };
}
