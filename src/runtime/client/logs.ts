/**
 * `mizzen logs POD [-c CONTAINER] [--tail N] [-f]`: prints the container's log file from the
 * state directory; with -f keeps printing what is appended until interrupted.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { RuntimeErrors, runtimeError } from '../errors.ts';
import { containerLog, type StatePaths } from '../state/paths.ts';
import { podTarget } from './pod-target.ts';

export interface LogsOptions {
  readonly paths: StatePaths;
  readonly namespace: string;
  readonly pod: string;
  readonly container?: string;
  readonly tail?: number;
  readonly follow: boolean;
}

function readFrom(path: string, offset: number): { text: Buffer; end: number } {
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    const buf = Buffer.alloc(Math.max(0, size - offset));
    const n = buf.length > 0 ? readSync(fd, buf, 0, buf.length, offset) : 0;
    return { text: buf.subarray(0, n), end: offset + n };
  } finally {
    closeSync(fd);
  }
}

export async function logs(o: LogsOptions, out: (chunk: Buffer | string) => void, note: (line: string) => void): Promise<void> {
  const ctx = await podTarget(o.paths.api, o.namespace, o.pod, o.container, note);
  const path = containerLog(o.paths, o.namespace, o.pod, ctx.container);
  let offset = 0;
  try {
    const first = readFrom(path, 0);
    offset = first.end;
    let text = first.text.toString('utf8');
    if (o.tail !== undefined && o.tail >= 0) {
      const lines = text.split('\n');
      const hasEnd = text.endsWith('\n');
      const body = hasEnd ? lines.slice(0, -1) : lines;
      text = body.slice(Math.max(0, body.length - o.tail)).join('\n') + (hasEnd && o.tail > 0 ? '\n' : '');
    }
    out(text);
  } catch {
    if (!o.follow) {
      throw runtimeError(RuntimeErrors.NotFound, `container "${ctx.container}" in pod "${o.pod}" is waiting to start: no logs yet`);
    }
  }
  if (!o.follow) return;
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    try {
      const next = readFrom(path, offset);
      offset = next.end;
      if (next.text.length > 0) out(next.text);
    } catch {
      // not there yet, or removed by mizzen down
    }
  }
}
