/**
 * Talks to a running supervisor over api.sock. No socket, or nobody answering, is "no mesh is
 * running"; an error answer becomes a MizzenError with the supervisor's code and message.
 */
import { request } from 'node:http';
import { MizzenError, type ErrorCode } from '../../core/errors.ts';
import { RuntimeErrors, runtimeError } from '../errors.ts';

export async function callApi<T>(socket: string, method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 30_000): Promise<T> {
  const text = body === undefined ? '' : JSON.stringify(body);
  const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request({ socketPath: socket, method, path, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => resolve({ status: r.statusCode ?? 500, text: Buffer.concat(chunks).toString('utf8') }));
      r.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${socket} in ${timeoutMs / 1000}s`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') {
        reject(runtimeError(RuntimeErrors.NoMesh, `no mesh is running (nothing answers on ${socket}); start one with: mizzen up -f FILE`, { cause: err }));
      } else {
        reject(err);
      }
    });
    req.end(text);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.text);
  } catch {
    throw new Error(`the supervisor answered ${res.status} with something that is not JSON: ${res.text.slice(0, 200)}`);
  }
  if (res.status >= 400) {
    const e = parsed as { code?: string; error?: string };
    throw new MizzenError((e.code ?? 'MZ_INTERNAL') as ErrorCode, e.error ?? `HTTP ${res.status}`);
  }
  return parsed as T;
}

/** True when a supervisor answers on the socket. */
export async function meshRunning(socket: string): Promise<boolean> {
  try {
    await callApi(socket, 'GET', '/v1/mesh', undefined, 3000);
    return true;
  } catch {
    return false;
  }
}
