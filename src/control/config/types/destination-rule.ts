/** DestinationRule: policies for traffic to a host after routing, and its named subsets. */
import type { TrafficPolicy } from './traffic-policy.ts';
import type { WorkloadSelector } from './workload-selector.ts';

export interface Subset {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly trafficPolicy?: TrafficPolicy;
}

export interface DestinationRule {
  readonly host: string;
  readonly trafficPolicy?: TrafficPolicy;
  readonly subsets?: readonly Subset[];
  readonly exportTo?: readonly string[];
  readonly workloadSelector?: WorkloadSelector;
}
