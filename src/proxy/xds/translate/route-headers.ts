/**
 * request/response_headers_to_add and _to_remove (on RouteConfiguration, VirtualHost, Route and
 * ClusterWeight) -> HeaderMutations. Names are lower-cased; Envoy refuses edits of pseudo
 * headers and `host`, and so does Mizzen. The legacy `append` maps to its append action.
 */
import type { AppendAction, HeaderMutations, HeaderValueOption } from '../../route/header-mutation-config.ts';
import { bool, list, obj, oneOf, str, type At, type Obj } from './fields.ts';
import { onlyFields } from './route-fields.ts';

const ACTIONS: readonly AppendAction[] = ['APPEND_IF_EXISTS_OR_ADD', 'ADD_IF_ABSENT', 'OVERWRITE_IF_EXISTS_OR_ADD', 'OVERWRITE_IF_EXISTS'];

function editableName(v: unknown, at: At): string {
  const name = str(v, at, true).toLowerCase();
  if (name.startsWith(':') || name === 'host') at.fail(`${JSON.stringify(name)} cannot be edited (pseudo headers and host are not modifiable)`);
  if (!/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(name)) at.fail(`${JSON.stringify(name)} is not a valid header name`);
  return name;
}

function headerValueOption(v: unknown, at: At): HeaderValueOption {
  const o = obj(v, at);
  onlyFields(o, at, ['header', 'append', 'appendAction', 'keepEmptyValue']);
  const h = obj(o['header'], at.field('header'));
  onlyFields(h, at.field('header'), ['key', 'value', 'rawValue']);
  const key = editableName(h['key'], at.field('header.key'));
  const value = h['rawValue'] !== undefined && h['rawValue'] !== null && h['rawValue'] !== ''
    ? Buffer.from(str(h['rawValue'], at.field('header.rawValue')), 'base64').toString('utf8')
    : str(h['value'], at.field('header.value'));
  if (/[\r\n\0]/.test(value)) at.field('header.value').fail('must not contain CR, LF or NUL');
  if (o['append'] !== undefined && o['append'] !== null && o['appendAction'] !== undefined && o['appendAction'] !== null) {
    at.fail('sets both append and appendAction');
  }
  const appendAction = o['append'] !== undefined && o['append'] !== null
    ? (bool(o['append'], true) ? 'APPEND_IF_EXISTS_OR_ADD' : 'OVERWRITE_IF_EXISTS_OR_ADD')
    : oneOf(o['appendAction'], at.field('appendAction'), ACTIONS, 'APPEND_IF_EXISTS_OR_ADD');
  return { key, value, appendAction, keepEmptyValue: bool(o['keepEmptyValue'], false) };
}

/** The four header edit fields of a message. */
export function headerMutations(o: Obj, at: At): HeaderMutations {
  const adds = (k: string): HeaderValueOption[] => list(o[k], at.field(k)).map((h, i) => headerValueOption(h, at.field(k).index(i)));
  const removes = (k: string): string[] => list(o[k], at.field(k)).map((h, i) => editableName(h, at.field(k).index(i)));
  return {
    requestHeadersToAdd: adds('requestHeadersToAdd'),
    requestHeadersToRemove: removes('requestHeadersToRemove'),
    responseHeadersToAdd: adds('responseHeadersToAdd'),
    responseHeadersToRemove: removes('responseHeadersToRemove'),
  };
}

export const HEADER_FIELDS = ['requestHeadersToAdd', 'requestHeadersToRemove', 'responseHeadersToAdd', 'responseHeadersToRemove'] as const;
