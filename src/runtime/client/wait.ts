/**
 * Polls the supervisor until every pod named is ready, one fails, or time runs out. A failure
 * names each failed pod, its reason and the last lines of the failing container's log.
 */
import { RuntimeErrors, runtimeError } from '../errors.ts';
import { containerLog, type StatePaths } from '../state/paths.ts';
import { callApi } from './api-client.ts';
import type { ListJson, PodJson } from './kube-json.ts';
import { judgePod, type Verdict } from './readiness.ts';
import { logTail } from './start-supervisor.ts';

function explain(paths: StatePaths, key: string, v: Verdict): string {
  const [ns = '', name = ''] = key.split('/');
  const tail = v.container ? logTail(containerLog(paths, ns, name, v.container), 5) : '';
  return `pod ${key}: ${v.reason}${tail ? `\n    last log lines of ${v.container}:\n      ${tail.split('\n').join('\n      ')}` : ''}`;
}

export async function waitForPods(paths: StatePaths, keys: readonly string[], timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  let verdicts: Map<string, Verdict>;
  for (;;) {
    const list = await callApi<ListJson<PodJson>>(paths.api, 'GET', '/v1/pods');
    const byKey = new Map(list.items.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
    verdicts = new Map(keys.map((k) => {
      const p = byKey.get(k);
      return [k, p ? judgePod(p) : { state: 'pending', reason: 'not found' } as Verdict];
    }));
    const failed = [...verdicts].filter(([, v]) => v.state === 'failed');
    if (failed.length > 0) {
      throw runtimeError(RuntimeErrors.PodFailed, `${failed.length === 1 ? 'a pod' : `${failed.length} pods`} failed (the mesh keeps running; see mizzen get pods, mizzen logs, or mizzen down):\n  ${failed.map(([k, v]) => explain(paths, k, v)).join('\n  ')}`);
    }
    if ([...verdicts.values()].every((v) => v.state === 'ready')) return;
    if (Date.now() > end) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const pending = [...verdicts].filter(([, v]) => v.state !== 'ready');
  throw runtimeError(RuntimeErrors.PodFailed, `timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${pending.length === 1 ? 'a pod' : `${pending.length} pods`} to be ready (the mesh keeps running):\n  ${pending.map(([k, v]) => explain(paths, k, v)).join('\n  ')}`);
}
