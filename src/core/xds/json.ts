/**
 * Proto3's canonical JSON mapping over protobufjs types, which protobufjs lacks: wrappers
 * (BoolValue <-> true), Duration ("1.5s"), Timestamp (RFC 3339), Struct/Value/ListValue (plain
 * JSON), Any ({"@type": url, ...fields}, encoded recursively), enums by name, 64-bit integers
 * as strings. Field names are lowerCamelCase; snake_case is accepted on input.
 */
import protobuf from 'protobufjs';

type Json = unknown;
type Obj = Record<string, unknown>;

const WRAPPERS = new Set(['DoubleValue', 'FloatValue', 'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue']
  .map((n) => `.google.protobuf.${n}`));

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseDuration(s: string): { seconds: string; nanos: number } {
  const m = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(s);
  if (!m) throw new Error(`invalid duration ${JSON.stringify(s)}: expected seconds with an "s" suffix, e.g. "1.5s"`);
  const nanos = Number((m[3] ?? '').padEnd(9, '0'));
  return { seconds: `${m[1] ?? ''}${m[2]}`, nanos: m[1] ? -nanos : nanos };
}

export function formatDuration(d: { seconds?: unknown; nanos?: unknown }): string {
  const secs = BigInt(String(d.seconds ?? 0));
  const nanos = Number(d.nanos ?? 0);
  const neg = secs < 0n || nanos < 0;
  const abs = (secs < 0n ? -secs : secs).toString();
  const frac = Math.abs(nanos) === 0 ? '' : `.${String(Math.abs(nanos)).padStart(9, '0').replace(/0+$/, '')}`;
  return `${neg ? '-' : ''}${abs}${frac}s`;
}

function valueFromJson(v: Json): Obj {
  if (v === null) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(valueFromJson) } };
  return { structValue: structFromJson(v as Obj) };
}

function structFromJson(o: Obj): Obj {
  return { fields: Object.fromEntries(Object.entries(o).map(([k, v]) => [k, valueFromJson(v)])) };
}

function valueToJson(v: Obj): Json {
  if ('structValue' in v) return structToJson(v['structValue'] as Obj);
  if ('listValue' in v) return ((v['listValue'] as Obj)['values'] as Obj[] | undefined ?? []).map(valueToJson);
  if ('numberValue' in v) return v['numberValue'];
  if ('stringValue' in v) return v['stringValue'];
  if ('boolValue' in v) return v['boolValue'];
  return null;
}

function structToJson(s: Obj): Obj {
  const fields = (s['fields'] ?? {}) as Record<string, Obj>;
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, valueToJson(v)]));
}

/** Proto3's JSON name of a field: underscores dropped, the next character upper-cased (`consecutive_5xx` -> `consecutive5xx`). */
export function jsonName(field: protobuf.Field): string {
  return field.name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const jsonNames = new WeakMap<protobuf.Type, Map<string, protobuf.Field>>();

/** A field by its JSON name, its protobufjs name, or its snake_case proto name. */
function fieldOf(type: protobuf.Type, key: string): protobuf.Field | undefined {
  let byJson = jsonNames.get(type);
  if (!byJson) {
    byJson = new Map(type.fieldsArray.map((f) => [jsonName(f), f]));
    jsonNames.set(type, byJson);
  }
  const camel = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return byJson.get(camel) ?? type.fields[key] ?? type.fields[camel];
}

/** Converts one value of a field from proto3 JSON to protobufjs' object form. */
function scalarFromJson(field: protobuf.Field, v: Json, where: string): unknown {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) return messageFromJson(rt, v, where);
  return v;
}

/** Proto3 JSON -> an object that `type.fromObject` accepts. */
export function messageFromJson(type: protobuf.Type, json: Json, where = type.name): Obj {
  const name = type.fullName;
  if (name === '.google.protobuf.Any') {
    if (!isObj(json) || typeof json['@type'] !== 'string') throw new Error(`${where}: an Any needs "@type"`);
    const { '@type': url, ...rest } = json as Obj & { '@type': string };
    const inner = type.root.lookupType(url.slice(url.lastIndexOf('/') + 1));
    const body = WELL_KNOWN.has(inner.fullName) ? (rest as Obj)['value'] : rest;
    // protobufjs' bundled Any keeps the proto's snake_case field name.
    return { type_url: url, value: encodeMessage(inner, body, `${where}<${inner.name}>`) };
  }
  if (name === '.google.protobuf.Duration') return parseDuration(String(json));
  if (name === '.google.protobuf.Timestamp') {
    const ms = Date.parse(String(json));
    if (Number.isNaN(ms)) throw new Error(`${where}: invalid timestamp ${JSON.stringify(json)}`);
    return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
  }
  if (name === '.google.protobuf.Struct') return structFromJson(json as Obj);
  if (name === '.google.protobuf.Value') return valueFromJson(json);
  if (name === '.google.protobuf.ListValue') return { values: (json as Json[]).map(valueFromJson) };
  if (WRAPPERS.has(name)) return { value: json };
  if (!isObj(json)) throw new Error(`${where}: expected an object for ${type.name}, got ${JSON.stringify(json)}`);
  const out: Obj = {};
  for (const [key, v] of Object.entries(json)) {
    const field = fieldOf(type, key);
    if (!field) throw new Error(`${where}: unknown field ${JSON.stringify(key)} in ${type.name}`);
    const at = `${where}.${field.name}`;
    if (v === null) continue;
    if (field.map) out[field.name] = Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, scalarFromJson(field, x, `${at}[${k}]`)]));
    else if (field.repeated) out[field.name] = (v as Json[]).map((x, i) => scalarFromJson(field, x, `${at}[${i}]`));
    else out[field.name] = scalarFromJson(field, v, at);
  }
  return out;
}

const WELL_KNOWN = new Set(['.google.protobuf.Duration', '.google.protobuf.Timestamp', '.google.protobuf.Struct', '.google.protobuf.Value', '.google.protobuf.ListValue', ...WRAPPERS]);

export function encodeMessage(type: protobuf.Type, json: Json, where = type.name): Uint8Array {
  const obj = messageFromJson(type, json, where);
  const msg = type.fromObject(obj);
  const err = type.verify(msg);
  if (err) throw new Error(`${where}: ${err}`);
  return type.encode(msg).finish();
}

const toObjectOptions: protobuf.IConversionOptions = { enums: String, longs: String, bytes: String };

/** protobufjs' object form (from toObject with enums/longs as strings) -> proto3 JSON. */
export function messageToJson(type: protobuf.Type, obj: Obj): Json {
  const name = type.fullName;
  if (name === '.google.protobuf.Any') {
    const url = String(obj['typeUrl'] ?? obj['type_url'] ?? '');
    const inner = type.root.lookupType(url.slice(url.lastIndexOf('/') + 1));
    const body = decodeMessage(inner, base64ToBytes(obj['value']));
    return WELL_KNOWN.has(inner.fullName) ? { '@type': url, value: body } : { '@type': url, ...(body as Obj) };
  }
  if (name === '.google.protobuf.Duration') return formatDuration(obj);
  if (name === '.google.protobuf.Timestamp') return new Date(Number(obj['seconds'] ?? 0) * 1000 + Number(obj['nanos'] ?? 0) / 1e6).toISOString();
  if (name === '.google.protobuf.Struct') return structToJson(obj);
  if (name === '.google.protobuf.Value') return valueToJson(obj);
  if (name === '.google.protobuf.ListValue') return ((obj['values'] ?? []) as Obj[]).map(valueToJson);
  if (WRAPPERS.has(name)) return obj['value'] ?? (name.endsWith('BoolValue') ? false : name.endsWith('StringValue') ? '' : 0);
  const out: Obj = {};
  for (const [key, v] of Object.entries(obj)) {
    const field = type.fields[key];
    const name = field ? jsonName(field) : key;
    const rt = field?.resolvedType;
    if (!(rt instanceof protobuf.Type)) {
      out[name] = v;
      continue;
    }
    if (field?.map) out[name] = Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, messageToJson(rt, x as Obj)]));
    else if (field?.repeated) out[name] = (v as Obj[]).map((x) => messageToJson(rt, x));
    else out[name] = messageToJson(rt, v as Obj);
  }
  return out;
}

function base64ToBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  return Buffer.from(String(v ?? ''), 'base64');
}

export function decodeMessage(type: protobuf.Type, bytes: Uint8Array): Json {
  return messageToJson(type, type.toObject(type.decode(bytes), toObjectOptions));
}
