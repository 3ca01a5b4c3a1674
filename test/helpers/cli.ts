/** Runs the real `mizzen` CLI in a child process and collects its output. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cliEntry } from './paths.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; prefix?: readonly string[] } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const argv = [...(opts.prefix ?? []), process.execPath, cliEntry, ...args];
    const [bin = '', ...rest] = argv;
    const child = spawn(bin, rest, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** runCli that must exit 0 (the failure names the command and its stderr); resolves with stdout. */
export async function mustRunCli(args: readonly string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const r = await runCli(args, opts);
  assert.equal(r.code, 0, `mizzen ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
