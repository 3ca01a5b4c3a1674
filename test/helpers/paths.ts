/** Paths tests share: the repo root, the CLI entry, and the shared conformance corpus. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliEntry = join(repoRoot, 'src', 'cli', 'main.ts');
/** ../shared sits beside the checkout (CI clones with shared/ beside it). */
export const conformanceDir = process.env['MIZZEN_CONFORMANCE_DIR'] ?? join(repoRoot, '..', 'shared', 'conformance', 'istio-iptables');
