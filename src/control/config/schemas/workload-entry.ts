/** Schema for WorkloadEntry (also a ServiceEntry endpoint): address, ports by name, labels, locality. */
import { map, object } from '../schema/composites.ts';
import { dnsLabelProblem, fqdnProblem, isIPAddress } from '../schema/names.ts';
import { int, port, str } from '../schema/scalars.ts';
import type { WorkloadEntry } from '../types/workload-entry.ts';
import { labels } from './common.ts';

const UNIX = 'unix://';

export const addressProblem = (a: string): string | undefined => {
  if (a.startsWith(UNIX)) return a.length > UNIX.length ? undefined : 'unix address must not be empty';
  return isIPAddress(a) || fqdnProblem(a) === undefined ? undefined : `endpoint address ${JSON.stringify(a)} is not a valid FQDN or an IP address`;
};

export const workloadEntry = object<WorkloadEntry>('WorkloadEntry', {
  address: str({ check: addressProblem }),
  ports: map(port(), { key: dnsLabelProblem }),
  labels: labels(),
  network: str(),
  locality: str(),
  weight: int({ min: 0, max: 0xffffffff, what: 'a weight' }),
  serviceAccount: str(),
}, {
  rules: [(w, path, r) => {
    if (!w.address && !w.network) r.error([...path, 'address'], undefined, 'address is required (unless network is set)');
    if (w.address?.startsWith(UNIX) && w.ports && Object.keys(w.ports).length > 0) {
      r.error([...path, 'ports'], w.ports, `unix endpoint ${w.address} must not include ports`);
    }
  }],
});
