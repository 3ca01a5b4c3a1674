/** Schema for PeerAuthentication: selector, mtls mode, and port-level modes (only with a selector). */
import { map, object } from '../schema/composites.ts';
import { enumOf } from '../schema/scalars.ts';
import type { PeerAuthentication, PeerAuthenticationMTLS } from '../types/peer-authentication.ts';
import { workloadSelector } from './common.ts';

const mtls = object<PeerAuthenticationMTLS>('PeerAuthentication.MutualTLS', { mode: enumOf(['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT']) });

const portKey = (k: string): string | undefined =>
  (/^\d{1,5}$/.test(k) && Number(k) >= 1 && Number(k) <= 65535 ? undefined : 'port must be in range 1..65535');

export const peerAuthentication = object<PeerAuthentication>('PeerAuthentication', {
  selector: workloadSelector,
  mtls,
  portLevelMtls: map(mtls, { key: portKey, nonEmpty: true }),
}, {
  rules: [(pa, path, r) => {
    const labels = pa.selector?.matchLabels;
    if (pa.portLevelMtls && (!labels || Object.keys(labels).length === 0)) {
      r.error([...path, 'portLevelMtls'], pa.portLevelMtls, 'mesh/namespace peer authentication cannot have port level mTLS (set selector.matchLabels)');
    }
  }],
});
