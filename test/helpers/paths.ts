/** Paths tests share: the repo root, the CLI entry, and the shared conformance corpus. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliEntry = join(repoRoot, 'src', 'cli', 'main.ts');
/**
 * The istio-iptables corpus: ../shared (beside the checkout, as CI lays it out) when present,
 * else the copy kept in test/conformance.
 */
const sharedCorpus = join(repoRoot, '..', 'shared', 'conformance', 'istio-iptables');
export const conformanceDir = process.env['MIZZEN_CONFORMANCE_DIR']
  ?? (existsSync(join(sharedCorpus, 'cases.json')) ? sharedCorpus : join(repoRoot, 'test', 'conformance', 'istio-iptables'));
