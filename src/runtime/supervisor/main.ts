/**
 * The supervisor process's entry: build the supervisor from its flags, make the node, serve the
 * API, and stay up until `POST /v1/down` or SIGTERM/SIGINT (which take the mesh down too).
 * A start failure removes what was made and exits non-zero; its log says why.
 */
import { createLogger } from '../../core/log.ts';
import { describeError } from '../../core/errors.ts';
import { teardownMesh } from '../host/teardown.ts';
import type { SupervisorOptions } from './options.ts';
import { serveApi } from './api-server.ts';
import { Supervisor } from './supervisor.ts';

export async function runSupervisor(opts: SupervisorOptions): Promise<number> {
  const log = createLogger();
  const sup = new Supervisor(opts, log);
  let exit: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (exit = resolve));
  try {
    await sup.start();
  } catch (err) {
    log.error(`the mesh could not start: ${describeError(err)}`);
    await teardownMesh({ meshId: opts.meshId, stateDir: opts.stateDir, record: { ...sup.record, supervisorPid: -1 }, stateFiles: [sup.paths.mesh, sup.paths.registry, sup.paths.pods] });
    return 1;
  }
  const server = await serveApi(sup, () => setTimeout(() => exit(0), 50));
  const stop = (signal: string): void => {
    log.info(`${signal}: taking the mesh down`);
    void sup.down(5000).then(() => exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => undefined);
  log.info(`supervisor ${process.pid} serving ${sup.paths.api}`);
  const code = await done;
  server.close();
  return code;
}
