/**
 * Starts the supervisor as a detached process (its own session, output to supervisor.log in
 * the state directory) and waits until its API answers; if it exits first, the error names the
 * log's last lines.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { RuntimeErrors, runtimeError } from '../errors.ts';
import { statePaths } from '../state/paths.ts';
import { meshRunning } from './api-client.ts';
import { cliCommand } from './commands.ts';

export interface StartRequest {
  readonly stateDir: string;
  readonly meshId: string;
  readonly podCidr: string;
  readonly serviceCidr: string;
  readonly restartBackoffMs: number;
  readonly outboundTrafficPolicy: string;
  /** Run istiod and program sidecars over xDS (default true). */
  readonly controlPlane?: boolean;
  /** The ingress gateway's port on 127.0.0.1 (0: a free one). */
  readonly ingressPort?: number;
  /** Also run istio-egressgateway (with the control plane). */
  readonly egressGateway?: boolean;
}

export function logTail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export async function startSupervisor(r: StartRequest, timeoutMs = 30_000): Promise<number> {
  const paths = statePaths(r.stateDir);
  const created = !existsSync(r.stateDir);
  mkdirSync(r.stateDir, { recursive: true, mode: 0o755 });
  const fd = openSync(paths.supervisorLog, 'a', 0o644);
  const [node = '', ...cli] = cliCommand();
  const args = [...cli, 'supervise', '--state-dir', r.stateDir, '--mesh-id', r.meshId, '--pod-cidr', r.podCidr, '--service-cidr', r.serviceCidr,
    '--restart-backoff', `${r.restartBackoffMs}ms`, '--outbound-traffic-policy', r.outboundTrafficPolicy, ...(created ? ['--created-state-dir'] : []),
    ...(r.controlPlane === false ? ['--no-control-plane'] : []), ...(r.ingressPort ? ['--ingress-port', String(r.ingressPort)] : []),
    ...(r.egressGateway ? ['--egress-gateway'] : [])];
  const child = spawn(node, args, { detached: true, stdio: ['ignore', fd, fd], env: process.env, cwd: '/' });
  closeSync(fd);
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  child.unref();
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (exited !== null) {
      throw runtimeError(RuntimeErrors.Setup, `the mesh supervisor exited (code ${exited}) before it was ready:\n${logTail(paths.supervisorLog)}`);
    }
    if (await meshRunning(paths.api)) return child.pid ?? -1;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw runtimeError(RuntimeErrors.Setup, `the mesh supervisor did not answer on ${paths.api} in ${timeoutMs / 1000}s:\n${logTail(paths.supervisorLog)}`);
}
