/**
 * Runtime commands of the one-host mesh: `up`, `down` (runtime-up.ts), `get`, `logs`
 * (runtime-inspect.ts), `exec`, `port-forward` (runtime-pods.ts), `apply`, `delete`
 * (runtime-apply.ts), and the hidden `supervise`
 * that `up` starts. Each finds the mesh through its state directory.
 */
import type { Command } from 'commander';
import { registerApply } from './runtime-apply.ts';
import { registerInspect } from './runtime-inspect.ts';
import { registerPodCommands } from './runtime-pods.ts';
import { registerUp } from './runtime-up.ts';

export function registerRuntime(program: Command): void {
  registerUp(program);
  registerInspect(program);
  registerPodCommands(program);
  registerApply(program);
}
