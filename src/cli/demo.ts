/**
 * `mizzen demo`: the main job until the runtime exists. (Filled in below.)
 */
import type { Command } from 'commander';

export function registerDemo(program: Command): void {
  program.command('demo').description('apply the injector\'s capture rules in a demo namespace and show them');
}
