/**
 * `--run-validation`: proves the redirect works, as istio-validation does. A probe process in
 * the pod's network namespace listens on the proxy's capture ports (127.0.0.1 or ::1), and a
 * client running as the proxy UID dials 127.0.0.6 (or ::6) on the probe port. Only a working
 * ISTIO_OUTPUT -> ISTIO_IN_REDIRECT path delivers that connection. Failure exits with 126.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, MizzenError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import { splitList, type FrozenCaptureConfig } from './config.ts';
import { execute } from './deps/real.ts';
import { parseGoDuration } from './validate.ts';

export const VALIDATION_ERROR_CODE = 126;

export async function runValidation(cfg: FrozenCaptureConfig, log: Logger): Promise<void> {
  const probe = join(dirname(fileURLToPath(import.meta.url)), 'validation-probe.ts');
  const ns = cfg.NetworkNamespace;
  const prefix = ns === '' ? [] : ns.includes('/') ? ['nsenter', `--net=${ns}`, '--'] : ['ip', 'netns', 'exec', ns];
  const ipv6 = cfg.EnableIPv6 && !cfg.DualStack;
  const args = [
    process.execPath, probe,
    '--listen', `${cfg.ProxyPort},${cfg.InboundCapturePort}`,
    '--listen-ip', ipv6 ? '::1' : '127.0.0.1',
    '--target', ipv6 ? '::6' : '127.0.0.6',
    '--port', String(cfg.IptablesProbePort),
    '--uid', splitList(cfg.ProxyUID)[0] ?? '1337',
    '--gid', splitList(cfg.ProxyGID)[0] ?? '1337',
    '--timeout-ms', String(parseGoDuration(cfg.ProbeTimeout) ?? 5000),
  ];
  log.info(`Starting iptables validation: dialing ${ipv6 ? '[::6]' : '127.0.0.6'}:${cfg.IptablesProbePort} as uid ${args[args.indexOf('--uid') + 1]}`);
  const r = await execute([...prefix, ...args]);
  if (r.code !== 0) {
    throw new MizzenError(ErrorCodes.ValidationFailed,
      `iptables validation failed; workload is not ready for the mesh: ${(r.stderr || r.stdout).trim()}`,
      { exitCode: VALIDATION_ERROR_CODE });
  }
  log.info(`Validation passed: ${r.stdout.trim()}`);
}
