/**
 * Schemas shared by several kinds: StringMatch, Destination, Percent, labels, selectors,
 * exportTo, header operations and gateway references.
 */
import { array, map, object } from '../schema/composites.ts';
import {
  cidrProblem, dnsLabelProblem, isDns1123Label, labelKeyProblem, labelValueProblem, wildcardHostProblem,
} from '../schema/names.ts';
import { re2Problem } from '../schema/re2.ts';
import { int, num, port, refine, str } from '../schema/scalars.ts';
import type { Schema } from '../schema/schema.ts';
import type { Destination, Percent, PortSelector } from '../types/destination.ts';
import type { HeaderOperations, Headers } from '../types/headers.ts';
import type { StringMatch } from '../types/string-match.ts';
import type { NetworkingWorkloadSelector, PolicyTargetReference, WorkloadSelector } from '../types/workload-selector.ts';

export const regex = (): Schema<string> => str({ nonEmpty: true, check: (s) => re2Problem(s) });

export const stringMatch = object<StringMatch>('StringMatch', { exact: str(), prefix: str(), regex: regex() }, {
  oneOf: [['exact', 'prefix', 'regex']],
  rules: [(m, path, r) => {
    if (m.exact === undefined && m.prefix === undefined && m.regex === undefined) r.error(path, m, 'one of exact, prefix, regex is required');
  }],
});

export const percent = object<Percent>('Percent', { value: num({ min: 0, max: 100 }) });
export const legacyPercent = (): Schema<number> => int({ min: 0, max: 100, what: 'a percentage' });

export const portSelector = object<PortSelector>('PortSelector', { number: port() });

export const destination = object<Destination>('Destination', {
  host: str({ check: (h) => (h === '*' ? 'invalid destination host *' : wildcardHostProblem(h)) }),
  subset: str({ check: dnsLabelProblem }),
  port: portSelector,
}, { required: ['host'] });

export const labels = (): Schema<Readonly<Record<string, string>>> => map(str({ check: labelValueProblem }), { key: labelKeyProblem });

/** security.istio.io and DestinationRule: `matchLabels`, no wildcards. */
export const workloadSelector = object<WorkloadSelector>('WorkloadSelector', { matchLabels: labels() }, {
  rules: [(s, path, r) => {
    if (s.matchLabels === undefined || Object.keys(s.matchLabels).length === 0) r.warn(path, s, 'workload selector specified without labels');
  }],
});

/** Sidecar and ServiceEntry: `labels`. */
export const networkingSelector = object<NetworkingWorkloadSelector>('WorkloadSelector', { labels: labels() }, {
  rules: [(s, path, r) => {
    if (s.labels === undefined || Object.keys(s.labels).length === 0) r.warn(path, s, 'workload selector specified without labels');
  }],
});

const TARGET_KINDS = ['Service', 'ServiceEntry', 'Gateway'];
export const targetRef = object<PolicyTargetReference>('PolicyTargetReference', {
  group: str(), kind: str(), name: str({ nonEmpty: true }),
  namespace: str({ check: () => 'targetRef namespace must not be set; cross namespace referencing is not supported' }),
}, {
  required: ['kind', 'name'],
  rules: [(t, path, r) => {
    if (!TARGET_KINDS.includes(t.kind)) r.error([...path, 'kind'], t.kind, `targetRef must be to one of ${TARGET_KINDS.join(', ')}`);
  }],
});

/** exportTo: `.`, `*`, namespace names (and `~` for ServiceEntry), no duplicates, `*` alone. */
export function exportTo(opts: { allowNone?: boolean } = {}): Schema<readonly string[]> {
  const entry = str({
    check: (e) => (e === '.' || e === '*' || (opts.allowNone && e === '~') || isDns1123Label(e) ? undefined
      : `invalid exportTo entry: expected ".", "*"${opts.allowNone ? ', "~"' : ''} or a namespace name`),
  });
  return refine(array(entry), (list, r) => {
    const set = new Set(list.map((e) => (e === '.' ? r.namespace : e)));
    if (set.size !== list.length) return 'duplicate entries in exportTo';
    if (list.length > 1 && list.includes('*')) return 'cannot have both public (*) and non-public exportTo values for a resource';
    if (list.length > 1 && list.includes('~')) return 'cannot export service entry to no one (~) and someone';
    return undefined;
  });
}

const isControl = (c: string): boolean => (c < ' ' && c !== '\t') || c === '\x7f';
const headerValue = str({ check: (v) => ([...v].some(isControl) ? 'header value contains control characters' : undefined) });
const headerName = (opts: { allowAuthority: boolean }) => (name: string): string | undefined => {
  if (name === '') return 'header name cannot be empty';
  const lower = name.toLowerCase();
  if (opts.allowAuthority && (lower === ':authority' || lower === 'host')) return undefined;
  if (lower === 'host') return `invalid header ${JSON.stringify(name)}: cannot set Host header`;
  if (name.startsWith(':')) return `invalid header ${JSON.stringify(name)}: header cannot have ":" prefix`;
  return undefined;
};

const headerOperations = (allowAuthority: boolean): Schema<HeaderOperations> => object<HeaderOperations>('HeaderOperations', {
  set: map(headerValue, { key: headerName({ allowAuthority }) }),
  add: map(headerValue, { key: headerName({ allowAuthority }) }),
  remove: array(str({ check: headerName({ allowAuthority: false }) })),
});

export const headers = object<Headers>('Headers', { request: headerOperations(true), response: headerOperations(false) });

/** A gateway reference: `mesh`, `name`, `namespace/name`, or the legacy `name.namespace` form. */
export const gatewayName = str({
  check: (g, r, path) => {
    const parts = g.split('/');
    if (parts.length === 1) {
      if (g.includes('.')) {
        const [name = '', ns = ''] = g.split('.');
        r.warn(path, g, `using legacy gatewayName format ${JSON.stringify(g)}; prefer the <namespace>/<name> format: "${ns}/${name}"`);
        return undefined;
      }
      return isDns1123Label(g) ? undefined : `invalid gateway name ${JSON.stringify(g)}: must be a DNS-1123 label`;
    }
    const [ns = '', name = '', ...more] = parts;
    if (more.length > 0 || !isDns1123Label(ns)) return `invalid value for namespace: ${JSON.stringify(ns)}`;
    return isDns1123Label(name) ? undefined : `invalid value for gateway name: ${JSON.stringify(name)}`;
  },
});

export const cidr = (): Schema<string> => str({ check: cidrProblem });
