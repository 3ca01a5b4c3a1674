/**
 * The argv the runtime runs for its own pieces: this repo's CLI (for `mizzen iptables` in
 * istio-init and for the supervisor), and the sidecar, which is `mizzen sidecar` unless
 * MIZZEN_SIDECAR_COMMAND (a JSON array, or words separated by spaces) overrides it for tests.
 */
import { fileURLToPath } from 'node:url';
import { invalidFlag } from '../../core/errors.ts';

export const cliEntry = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));
/** The `mizzen` executable: for the sidecar it runs precompiled dist/ when fresh and adds the sidecar's V8 flags (bin/launch.js). */
export const binEntry = fileURLToPath(new URL('../../../bin/mizzen.js', import.meta.url));

export function cliCommand(): string[] {
  return [process.execPath, cliEntry];
}

export function sidecarCommand(env: NodeJS.ProcessEnv = process.env): string[] {
  const override = env['MIZZEN_SIDECAR_COMMAND'];
  if (override === undefined || override.trim() === '') return [process.execPath, binEntry, 'sidecar'];
  if (override.trim().startsWith('[')) {
    const parsed: unknown = JSON.parse(override);
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((a) => typeof a === 'string')) {
      throw invalidFlag('MIZZEN_SIDECAR_COMMAND', override, 'must be a JSON array of strings, or words separated by spaces');
    }
    return parsed;
  }
  return override.trim().split(/\s+/);
}
