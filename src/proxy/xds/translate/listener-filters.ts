/**
 * Listener.listener_filters, listener_filters_timeout and continue_on_listener_filters_timeout ->
 * ListenerInspection. Known filters: original_dst (how the virtual listeners work),
 * tls_inspector and http_inspector (inspection for filter chain matching), each with an
 * optional filter_disabled predicate (any_match, destination_port_range and or/and/not of them,
 * which Istio puts on the inspectors). Any other listener filter, or a predicate that needs
 * what Mizzen cannot know before reading (none exist besides those), is refused by name.
 */
import type { ListenerFilterPredicate } from '../../listener/filters/filter-disabled.ts';
import type { ListenerInspection } from '../../listener/listener-config.ts';
import { bool, durationMs, list, obj, str, typeName, uint, type At, type Obj } from './fields.ts';

export const ORIGINAL_DST = 'envoy.filters.listener.original_dst';
export const TLS_INSPECTOR = 'envoy.filters.listener.tls_inspector';
export const HTTP_INSPECTOR = 'envoy.filters.listener.http_inspector';

/** The typed_config each known filter takes (by "@type", without the URL prefix). */
const TYPES: Readonly<Record<string, string>> = {
  [ORIGINAL_DST]: 'envoy.extensions.filters.listener.original_dst.v3.OriginalDst',
  [TLS_INSPECTOR]: 'envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
  [HTTP_INSPECTOR]: 'envoy.extensions.filters.listener.http_inspector.v3.HttpInspector',
};

/** Envoy's listener_filters_timeout when unset. */
export const ENVOY_DEFAULT_LISTENER_FILTERS_TIMEOUT_MS = 15_000;

const MAX_DEPTH = 16;

export function translatePredicate(v: unknown, at: At, depth = 0): ListenerFilterPredicate {
  if (depth > MAX_DEPTH) at.fail(`nested more than ${MAX_DEPTH} deep`);
  const p = obj(v, at);
  const set = (name: 'orMatch' | 'andMatch'): readonly ListenerFilterPredicate[] => {
    const rules = list(obj(p[name], at.field(name))['rules'], at.field(`${name}.rules`));
    if (rules.length < 2) at.field(`${name}.rules`).fail('needs at least 2 rules');
    return Object.freeze(rules.map((r, i) => translatePredicate(r, at.field(`${name}.rules`).index(i), depth + 1)));
  };
  if (p['anyMatch'] === true) return Object.freeze({ kind: 'any' });
  if (p['orMatch'] !== undefined) return Object.freeze({ kind: 'or', rules: set('orMatch') });
  if (p['andMatch'] !== undefined) return Object.freeze({ kind: 'and', rules: set('andMatch') });
  if (p['notMatch'] !== undefined) return Object.freeze({ kind: 'not', rule: translatePredicate(p['notMatch'], at.field('notMatch'), depth + 1) });
  if (p['destinationPortRange'] !== undefined) {
    const r: Obj = obj(p['destinationPortRange'], at.field('destinationPortRange'));
    const start = uint(r['start'], at.field('destinationPortRange.start'), 0);
    const end = uint(r['end'], at.field('destinationPortRange.end'), 0);
    if (end <= start || end > 65536) at.field('destinationPortRange').fail(`[${start}, ${end}) is not a port range (start < end <= 65536)`);
    return Object.freeze({ kind: 'destinationPortRange', start, end });
  }
  return at.fail('a filter_disabled predicate needs one of anyMatch, orMatch, andMatch, notMatch, destinationPortRange');
}

export function translateListenerFilters(l: Obj, at: At): ListenerInspection {
  const filters = at.field('listenerFilters');
  let tls = false;
  let http = false;
  let tlsDisabled: ListenerFilterPredicate | undefined;
  let httpDisabled: ListenerFilterPredicate | undefined;
  list(l['listenerFilters'], filters).forEach((f, i) => {
    const fat = filters.index(i);
    const o = obj(f, fat);
    const name = str(o['name'], fat.field('name'));
    const type = typeName(o['typedConfig']);
    const known = name in TYPES ? name : Object.entries(TYPES).find(([, t]) => type !== '' && t === type)?.[0];
    if (!known) return fat.fail(`listener filter ${JSON.stringify(name || type)} is not supported (supported: ${Object.keys(TYPES).join(', ')})`);
    if (type !== '' && type !== TYPES[known]) fat.field('typedConfig').fail(`${type} is not the config of ${known}`);
    if (o['configDiscovery'] !== undefined) fat.field('configDiscovery').fail('listener filter config discovery is not supported');
    const disabled = o['filterDisabled'] === undefined ? undefined : translatePredicate(o['filterDisabled'], fat.field('filterDisabled'));
    if (known === TLS_INSPECTOR) [tls, tlsDisabled] = [true, disabled];
    if (known === HTTP_INSPECTOR) [http, httpDisabled] = [true, disabled];
  });
  return Object.freeze({
    tls, http,
    timeoutMs: durationMs(l['listenerFiltersTimeout'], at.field('listenerFiltersTimeout'), ENVOY_DEFAULT_LISTENER_FILTERS_TIMEOUT_MS),
    continueOnTimeout: bool(l['continueOnListenerFiltersTimeout'], false),
    tlsDisabled, httpDisabled,
  });
}
