/**
 * The boundary between building rules and applying them. Everything that touches the kernel
 * goes through Dependencies.run; the real implementation executes commands, the recording one
 * only writes them down (dry-run). Swapping one for the other is the whole of dry-run.
 */

export interface Command {
  readonly bin: string;
  readonly args: readonly string[];
  /** Standard input; restore documents are sent this way. */
  readonly stdin?: string;
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Dependencies {
  /** Runs a command. Never throws for a non-zero exit; check `code`. */
  run(cmd: Command): Promise<CommandResult>;
}

/** The iptables tool names for one family. */
export interface IptablesTools {
  readonly cmd: string;
  readonly save: string;
  readonly restore: string;
}

export function commandLine(cmd: Command): string {
  return [cmd.bin, ...cmd.args].join(' ');
}
