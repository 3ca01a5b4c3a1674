/**
 * Reads just `name` (field 1) and the discovery `type` (field 2; EDS = 3) of an encoded
 * envoy.config.cluster.v3.Cluster, by walking the protobuf wire format, so a hundred simulated
 * proxies can follow CDS with EDS without decoding a thousand clusters each (the harness then
 * costs little CPU next to the control plane it measures).
 */

export const CLUSTER_TYPE_EDS = 3;

function varint(buf: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    if (b === undefined) throw new Error('cluster-peek: truncated varint');
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, pos];
    shift += 7;
  }
}

export function peekCluster(buf: Uint8Array): { name: string; type: number } {
  let name = '';
  let type = 0; // STATIC, the proto default
  let pos = 0;
  while (pos < buf.length) {
    const [key, p1] = varint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    pos = p1;
    if (wire === 0) {
      const [v, p2] = varint(buf, pos);
      if (field === 2) type = v;
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = varint(buf, pos);
      if (field === 1) name = new TextDecoder().decode(buf.subarray(p2, p2 + len));
      pos = p2 + len;
    } else if (wire === 1) {
      pos += 8;
    } else if (wire === 5) {
      pos += 4;
    } else {
      throw new Error(`cluster-peek: unexpected wire type ${wire}`);
    }
  }
  return { name, type };
}
