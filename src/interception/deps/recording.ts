/**
 * The recording Dependencies: nothing runs. A command without stdin is recorded as its command
 * line; a command with stdin (a restore) is recorded as its stdin lines only, as istio-iptables'
 * stub does. Every command succeeds with empty output, so the generator sees a clean state.
 */
import { commandLine, type Command, type CommandResult, type Dependencies } from './dependencies.ts';

export class RecordingDependencies implements Dependencies {
  readonly lines: string[] = [];

  run(cmd: Command): Promise<CommandResult> {
    if (cmd.stdin === undefined) this.lines.push(commandLine(cmd));
    else this.lines.push(...cmd.stdin.split('\n').filter((l, i, all) => !(l === '' && i === all.length - 1)));
    return Promise.resolve({ code: 0, stdout: '', stderr: '' });
  }

  /** The record, as the conformance goldens hold it. */
  text(): string {
    return this.lines.join('\n');
  }
}
