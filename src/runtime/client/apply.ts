/**
 * `mizzen apply -f` and `mizzen delete -f` against a running mesh. Apply sends the documents to
 * the supervisor (Kubernetes objects as `up` does; Istio resources validated and written to the
 * config folder the control plane watches). Delete removes Istio resources and Secrets; the one-host runtime
 * cannot delete workloads (only `mizzen down` removes them), and says so before touching anything.
 */
import { ErrorCodes, MizzenError } from '../../core/errors.ts';
import type { Logger } from '../../core/log.ts';
import { deleteIstioConfig, isIstioDocument, validateIstioDocuments } from '../istio/istio-config.ts';
import { deleteSecrets, isSecretDocument } from '../istio/secrets.ts';
import { loadManifests } from '../manifest/load.ts';
import { statePaths } from '../state/paths.ts';
import type { ApplyOutcome } from '../supervisor/supervisor.ts';
import { callApi, meshRunning } from './api-client.ts';

function noMesh(stateDir: string): MizzenError {
  return new MizzenError(ErrorCodes.InvalidFlag, `no mesh is running in ${stateDir}; start one with: mizzen up -f PATH`);
}

export async function apply(o: { files: readonly string[]; stateDir: string }, out: (line: string) => void, log: Logger): Promise<void> {
  const docs = o.files.flatMap((f) => loadManifests(f));
  const paths = statePaths(o.stateDir);
  if (!(await meshRunning(paths.api))) throw noMesh(o.stateDir);
  const outcome = await callApi<ApplyOutcome>(paths.api, 'POST', '/v1/apply', { documents: docs }, 120_000);
  for (const w of outcome.warnings) log.warn(w);
  for (const line of outcome.results) out(line);
}

/** Deletes; resolves with the number of resources that were not found (kubectl then exits 1). */
export async function remove(o: { files: readonly string[]; stateDir: string }, out: (line: string) => void, log: Logger): Promise<number> {
  const docs = o.files.flatMap((f) => loadManifests(f));
  const paths = statePaths(o.stateDir);
  if (!(await meshRunning(paths.api))) throw noMesh(o.stateDir);
  const others = docs.filter((d) => !isIstioDocument(d.body) && !isSecretDocument(d.body)).map((d) => {
    const b = (d.body ?? {}) as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
    return `${String(b.kind)} ${String(b.metadata?.namespace ?? 'default')}/${String(b.metadata?.name)} (${d.source})`;
  });
  if (others.length > 0) {
    throw new MizzenError(ErrorCodes.InvalidFlag,
      `nothing was deleted: the one-host runtime cannot delete workloads, only Istio resources and Secrets (mizzen down removes the whole mesh):\n  ${others.join('\n  ')}`);
  }
  const { items, problems, warnings } = validateIstioDocuments(docs.filter((d) => isIstioDocument(d.body)));
  if (problems.length > 0) throw new MizzenError(ErrorCodes.InvalidConfigFile, `nothing was deleted:\n  ${problems.join('\n  ')}`);
  for (const w of warnings) log.warn(w);
  const lines = [...deleteSecrets(paths.istioConfig, docs.filter((d) => isSecretDocument(d.body))), ...deleteIstioConfig(paths.istioConfig, items)];
  for (const line of lines) out(line);
  return lines.filter((l) => l.startsWith('Error from server')).length;
}
