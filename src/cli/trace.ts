/**
 * `mizzen iptables trace`: explains one packet's way through the capture rules.
 * (Registration point; the tracer lives in src/interception/trace/.)
 */
import type { Command } from 'commander';

export function registerTrace(iptables: Command): void {
  iptables.command('trace').description("explain a packet's way through the rules");
}
