/** `mizzen sidecar`: the agent and proxy process (registered by proxy/ and agent/). */
import type { Command } from 'commander';

export function registerSidecar(_program: Command): void {}
