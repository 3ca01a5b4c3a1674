/**
 * mesh.json: everything `mizzen down` must remove, written before it is created, so that a
 * crashed supervisor's mesh can still be taken apart. Fields as the contract lists them, plus
 * the state directory and whether the mesh created it.
 */
import { readFileSync } from 'node:fs';
import { writeAtomic } from '../host/files.ts';

export interface MeshRecord {
  readonly id: string;
  supervisorPid: number;
  readonly nodeNetns: string;
  readonly bridge: string;
  readonly bridgeIp: string;
  readonly podCidr: string;
  readonly serviceCidr: string;
  readonly apiSocket: string;
  readonly createdAt: string;
  /** Network namespaces (the node's first). */
  readonly namespaces: string[];
  /** Links, as "<netns>/<name>". */
  readonly links: string[];
  /** Files and folders, removed recursively. */
  readonly files: string[];
  readonly stateDir: string;
  readonly createdStateDir: boolean;
  /** The ingress gateway's address on the host (`http://127.0.0.1:<port>`), when the mesh runs one. */
  ingressGateway?: string;
  /** The gateway's TLS port (443 -> 8443) on the host (`https://127.0.0.1:<port>`). */
  ingressGatewayHttps?: string;
}

export function readMeshRecord(path: string): MeshRecord | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as MeshRecord;
  } catch {
    return undefined;
  }
}

export function writeMeshRecord(path: string, record: MeshRecord): void {
  writeAtomic(path, `${JSON.stringify(record, null, 2)}\n`);
}

/** Adds entries (once each) and writes the record. */
export function recordOwned(path: string, record: MeshRecord, add: { namespaces?: string[]; links?: string[]; files?: string[] }): void {
  for (const key of ['namespaces', 'links', 'files'] as const) {
    for (const v of add[key] ?? []) if (!record[key].includes(v)) record[key].push(v);
  }
  writeMeshRecord(path, record);
}
