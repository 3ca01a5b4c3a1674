/**
 * The peer metadata istio-proxy exchanges in `x-envoy-peer-metadata`: a google.protobuf.Struct,
 * serialized deterministically (sorted keys) and base64-encoded, with Istio's keys NAME,
 * NAMESPACE, WORKLOAD_NAME, CLUSTER_ID, OWNER and LABELS (app, version,
 * service.istio.io/canonical-name and -revision), plus the older node-metadata keys
 * (SERVICE_ACCOUNT, APP_CONTAINERS, INSTANCE_IPS, MESH_ID) when known. Decoding is defensive: a
 * value that is not base64 or not a Struct, or names no workload, gives undefined.
 */
import protobuf from 'protobufjs';
import { workloadMetadata, type WorkloadMetadata } from './workload-metadata.ts';

/** This proxy's identity, as it is exchanged. */
export interface PeerIdentity {
  readonly metadata: WorkloadMetadata;
  /** The pod name (NAME). */
  readonly name: string;
  /** The Envoy node id (x-envoy-peer-metadata-id), e.g. sidecar~10.0.0.5~web-1.hello~hello.svc.cluster.local. */
  readonly nodeId: string;
  /** Kubernetes owner; defaults to the workload as a Deployment, as pilot-agent reports it. */
  readonly owner?: string;
  readonly serviceAccount?: string;
  readonly appContainers?: readonly string[];
  readonly instanceIps?: readonly string[];
  readonly meshId?: string;
}

/** Who sent the header, as decoded; `metadata` is what the metrics label. */
export interface DecodedPeer {
  readonly metadata: WorkloadMetadata;
  readonly name: string | undefined;
}

type Value = { stringValue: string } | { structValue: { fields: Record<string, Value> } };

let structType: protobuf.Type | undefined;
function struct(): protobuf.Type {
  if (!structType) {
    const common = protobuf.common.get('google/protobuf/struct.proto');
    if (!common) throw new Error('protobufjs lacks google/protobuf/struct.proto');
    structType = protobuf.Root.fromJSON(common).lookupType('google.protobuf.Struct');
  }
  return structType;
}

const CANONICAL_NAME = 'service.istio.io/canonical-name';
const CANONICAL_REVISION = 'service.istio.io/canonical-revision';

function sorted(o: Record<string, Value>): Record<string, Value> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k] as Value]));
}

/** The Struct's fields for an identity (what convertWorkloadMetadataToStruct produces). */
export function peerStructFields(p: PeerIdentity): Record<string, Value> {
  const m = p.metadata;
  const known = (v: string | undefined): v is string => v !== undefined && v !== '' && v !== 'unknown';
  const fields: Record<string, Value> = {};
  const put = (k: string, v: string | undefined) => {
    if (known(v)) fields[k] = { stringValue: v };
  };
  put('NAME', p.name);
  put('NAMESPACE', m.namespace);
  put('WORKLOAD_NAME', m.workload);
  put('CLUSTER_ID', m.cluster);
  const labels: Record<string, Value> = {};
  if (known(m.canonicalService)) labels[CANONICAL_NAME] = { stringValue: m.canonicalService };
  if (known(m.canonicalRevision)) labels[CANONICAL_REVISION] = { stringValue: m.canonicalRevision };
  if (known(m.app)) labels['app'] = { stringValue: m.app };
  if (known(m.version)) labels['version'] = { stringValue: m.version };
  fields['LABELS'] = { structValue: { fields: sorted(labels) } };
  put('OWNER', p.owner ?? (known(m.workload) && known(m.namespace) ? `kubernetes://apis/apps/v1/namespaces/${m.namespace}/deployments/${m.workload}` : undefined));
  put('SERVICE_ACCOUNT', p.serviceAccount);
  put('APP_CONTAINERS', p.appContainers?.join(','));
  put('INSTANCE_IPS', p.instanceIps?.join(','));
  put('MESH_ID', p.meshId);
  return sorted(fields);
}

/** The x-envoy-peer-metadata value: base64 of the serialized Struct. */
export function encodePeerMetadata(p: PeerIdentity): string {
  const t = struct();
  return Buffer.from(t.encode(t.fromObject({ fields: peerStructFields(p) })).finish()).toString('base64');
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Far above any real identity; a larger header is not decoded. */
const MAX_ENCODED = 16 * 1024;

function str(v: unknown): string | undefined {
  const s = (v as { stringValue?: unknown } | undefined)?.stringValue;
  return typeof s === 'string' && s !== '' ? s : undefined;
}

/** Decodes an x-envoy-peer-metadata value; undefined for anything malformed. */
/** Peers send the same header value on every request: decoded values are kept (bounded), so each is decoded once. */
const decoded = new Map<string, DecodedPeer | undefined>();
const DECODED_MAX = 256;

export function decodePeerMetadata(value: string | undefined): DecodedPeer | undefined {
  if (value === undefined) return undefined;
  if (decoded.has(value)) return decoded.get(value);
  const peer = decodeUncached(value);
  if (decoded.size >= DECODED_MAX) decoded.clear();
  decoded.set(value, peer);
  return peer;
}

function decodeUncached(value: string | undefined): DecodedPeer | undefined {
  if (value === undefined || value === '' || value.length > MAX_ENCODED || !BASE64.test(value) || value.length % 4 === 1) return undefined;
  let fields: Record<string, unknown>;
  try {
    const t = struct();
    const o = t.toObject(t.decode(Buffer.from(value, 'base64'))) as { fields?: Record<string, unknown> };
    fields = o.fields ?? {};
  } catch {
    return undefined;
  }
  const workload = str(fields['WORKLOAD_NAME']);
  const namespace = str(fields['NAMESPACE']);
  const name = str(fields['NAME']);
  if (workload === undefined && namespace === undefined && name === undefined) return undefined;
  const labelFields = ((fields['LABELS'] as { structValue?: { fields?: Record<string, unknown> } } | undefined)?.structValue?.fields) ?? {};
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(labelFields)) {
    const s = str(v);
    if (s !== undefined) labels[k] = s;
  }
  return {
    metadata: workloadMetadata({ workload: workload ?? '', namespace: namespace ?? '', labels }, str(fields['CLUSTER_ID']) ?? ''),
    name,
  };
}
