/** Schema for DestinationRule: host, traffic policy, uniquely named subsets, exportTo and workload selector. */
import { array, object } from '../schema/composites.ts';
import { dnsLabelProblem, wildcardHostProblem } from '../schema/names.ts';
import { str } from '../schema/scalars.ts';
import type { DestinationRule, Subset } from '../types/destination-rule.ts';
import { exportTo, labels, workloadSelector } from './common.ts';
import { trafficPolicy } from './traffic-policy.ts';

const subset = object<Subset>('Subset', {
  name: str({ check: (n) => (n === '' ? 'subset name cannot be empty' : dnsLabelProblem(n)) }),
  labels: labels(),
  trafficPolicy,
}, { required: ['name'] });

export const destinationRule = object<DestinationRule>('DestinationRule', {
  host: str({ check: wildcardHostProblem }),
  trafficPolicy,
  subsets: array(subset),
  exportTo: exportTo(),
  workloadSelector,
}, {
  required: ['host'],
  rules: [(dr, path, r) => {
    const seen = new Set<string>();
    dr.subsets?.forEach((s, i) => {
      if (seen.has(s.name)) r.error([...path, 'subsets', i, 'name'], s.name, `duplicate subset names: ${s.name}`);
      seen.add(s.name);
    });
    if (dr.workloadSelector && dr.exportTo && dr.exportTo.some((e) => e !== '.' && e !== r.namespace)) {
      r.error([...path, 'exportTo'], dr.exportTo, 'destination rule with workload selector cannot have exportTo beyond current namespace');
    }
  }],
});
