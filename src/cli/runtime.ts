/** Runtime commands (`up`, `down`, `get`, `logs`, `exec`, `port-forward`): registered by runtime/. */
import type { Command } from 'commander';

export function registerRuntime(_program: Command): void {}
