/**
 * Every kernel name the mesh makes derives from its mesh id, so two meshes (two state
 * directories) never collide: `<id>-node` for the node namespace, `<id>-<ns>-<pod>` (shortened
 * and hashed when long) for a pod's namespace, `<id><hash>` for the node end of a pod's veth
 * (at most 15 characters, the kernel's limit). The bridge lives inside the node namespace, so
 * its fixed name `mz0` cannot clash.
 */
import { resolve } from 'node:path';
import { shortHash } from './hash.ts';

export const BRIDGE = 'mz0';
export const POD_INTERFACE = 'eth0';
const IFNAMSIZ = 15;
const NETNS_MAX = 60;

export const MESH_ID = /^[a-z][a-z0-9]{1,7}$/;

/** The default mesh id: "mz" and four hex digits of the state directory's absolute path. */
export function defaultMeshId(stateDir: string): string {
  return `mz${shortHash(resolve(stateDir), 4)}`;
}

export function nodeNetns(meshId: string): string {
  return `${meshId}-node`;
}

export function podNetns(meshId: string, namespace: string, pod: string): string {
  const full = `${meshId}-${namespace}-${pod}`;
  if (full.length <= NETNS_MAX) return full;
  const hash = shortHash(`${namespace}/${pod}`, 8);
  return `${full.slice(0, NETNS_MAX - hash.length - 1)}-${hash}`;
}

export function podVeth(meshId: string, namespace: string, pod: string): string {
  return `${meshId}${shortHash(`${namespace}/${pod}`, IFNAMSIZ - meshId.length)}`;
}

/** True when `name` (a netns or /etc/netns entry) belongs to the mesh with this id. */
export function ownedBy(meshId: string, name: string): boolean {
  return name.startsWith(`${meshId}-`);
}
