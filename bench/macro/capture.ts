/**
 * Istio's capture rules in a pod, applied with the real `mizzen iptables` and the injector's
 * defaults, exactly as the runtime's istio-init container runs it.
 */
import { join } from 'node:path';
import { mustSh } from './netns.ts';
import type { Netns } from './netns.ts';
import { repoRoot } from './paths.ts';

export const INJECTOR_ARGS = ['-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020'];

export const cliEntry = join(repoRoot, 'src', 'cli', 'main.ts');

export function applyCapture(pod: Netns): void {
  mustSh([process.execPath, cliEntry, 'iptables', '--network-namespace', pod.name, ...INJECTOR_ARGS]);
}
