/**
 * `mizzen analyze`: istioctl analyze, offline. Loads Istio config from files and folders (with
 * the Deployments, Pods and Services beside it, and optionally a running mesh's registry.json),
 * validates every resource, runs the cross-resource analyzers and prints one line per message.
 * Exits 79 (istioctl's code) when a message is at or above --failure-threshold.
 */
import { Command, Option } from 'commander';
import { invalidFlag } from '../core/errors.ts';
import { analyzePaths } from '../control/config/analyze/analyze.ts';
import { formatMessage, LEVEL_ORDER, messageJson, type Level } from '../control/config/analyze/messages.ts';

export const EXIT_ANALYZER_FOUND_ISSUES = 79;
const LEVELS: readonly Level[] = ['Info', 'Warning', 'Error'];

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), ...value.split(',').filter(Boolean)];

function level(flag: string, value: string): Level {
  const found = LEVELS.find((l) => l.toLowerCase() === value.toLowerCase());
  if (!found) throw invalidFlag(flag, value, `expected one of ${LEVELS.join(', ')}`);
  return found;
}

interface AnalyzeOptions {
  file?: string[];
  registry?: string;
  output: string;
  failureThreshold: string;
  outputThreshold: string;
  verbose?: boolean;
  recursive?: boolean;
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('analyze Istio config files offline (validation and cross-resource checks, istioctl analyze style)')
    .argument('[paths...]', 'files or folders (same as -f)')
    .option('-f, --file <path>', 'a file or folder to analyze; repeatable or comma-separated', collect)
    .option('--registry <file>', "a running mesh's registry.json: its workloads and services count as present")
    .addOption(new Option('-o, --output <format>', 'output format').choices(['log', 'json']).default('log'))
    .option('--failure-threshold <level>', 'lowest level that makes the exit code non-zero: Info, Warning or Error', 'Error')
    .option('--output-threshold <level>', 'lowest level printed: Info, Warning or Error', 'Info')
    .option('-v, --verbose', 'also list the documents that were ignored (non-Istio kinds)')
    .option('-R, --recursive', 'read folders recursively (by default only the files directly in a folder, as istioctl)')
    .action(async (args: string[], opts: AnalyzeOptions) => {
      process.exitCode = await analyzeMain([...(opts.file ?? []), ...args], opts);
    });
}

async function analyzeMain(paths: string[], opts: AnalyzeOptions): Promise<number> {
  if (paths.length === 0) throw invalidFlag('-f', '', 'give at least one file or folder to analyze');
  const failAt = LEVEL_ORDER[level('--failure-threshold', opts.failureThreshold)];
  const showAt = LEVEL_ORDER[level('--output-threshold', opts.outputThreshold)];
  const result = await analyzePaths(paths, { recursive: opts.recursive === true, ...(opts.registry !== undefined ? { registry: opts.registry } : {}) });
  const shown = result.messages.filter((m) => LEVEL_ORDER[m.type.level] >= showAt);
  if (opts.verbose) for (const n of result.notes) process.stderr.write(`${n}\n`);
  if (opts.output === 'json') {
    process.stdout.write(`${JSON.stringify(shown.map(messageJson), null, 2)}\n`);
  } else if (result.messages.length === 0) {
    process.stdout.write(`\u2714 No validation issues found when analyzing ${result.resources} resources in ${result.files} files.\n`);
  } else {
    for (const m of shown) process.stdout.write(`${formatMessage(m)}\n`);
  }
  return result.messages.some((m) => LEVEL_ORDER[m.type.level] >= failAt) ? EXIT_ANALYZER_FOUND_ISSUES : 0;
}
