/**
 * Finds the pod and container a command is about, as kubectl does: the container named with
 * -c, else the pod's kubectl.kubernetes.io/default-container, else its first; with a note on
 * stderr when the pod has more than one container and none was named.
 */
import { callApi } from './api-client.ts';
import type { ExecContextJson } from './kube-json.ts';

export async function podTarget(socket: string, namespace: string, pod: string, container: string | undefined, note: (line: string) => void): Promise<ExecContextJson> {
  const query = container === undefined ? '' : `?container=${encodeURIComponent(container)}`;
  const ctx = await callApi<ExecContextJson>(socket, 'GET', `/v1/pods/${encodeURIComponent(namespace)}/${encodeURIComponent(pod)}/exec${query}`);
  if (container === undefined && ctx.containers.length > 1) {
    const names = ctx.containers.map((c) => (ctx.initContainers.includes(c) ? `${c} (init)` : c));
    note(`Defaulted container "${ctx.container}" out of: ${names.join(', ')}`);
  }
  return ctx;
}
