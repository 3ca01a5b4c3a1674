/**
 * Listeners whose TLS certificates come by SDS, as Envoy wires them: each filter chain's
 * DownstreamTlsContext may name secrets over ADS (common_tls_context.tls_certificate_sds_secret_configs,
 * combined_validation_context.validation_context_sds_secret_config, validation_context_sds_secret_config).
 * Their names are what the SDS subscription asks for. Before a listener is translated, every
 * reference is replaced by the secret's own DataSources (tls_certificates, validation_context
 * .trusted_ca), so the listener translator loads them as if inline. A chain whose secret has not
 * arrived yet is left out until it does (Envoy's warming); the listener is then re-translated,
 * and again on every rotation: only the listener's config changes, its socket stays bound.
 */
import type { Obj } from './translate/fields.ts';
import type { SecretConfig } from './translate/secret.ts';

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);

/** Only SDS over the ADS stream is resolved here; other config sources stay and are refused by the translator. */
function adsRefName(ref: unknown): string | undefined {
  if (!isObj(ref) || typeof ref['name'] !== 'string' || ref['name'] === '') return undefined;
  const src = ref['sdsConfig'];
  return isObj(src) && src['ads'] !== undefined ? ref['name'] : undefined;
}

function commonOf(chain: unknown): Obj | undefined {
  if (!isObj(chain) || !isObj(chain['transportSocket'])) return undefined;
  const tc = chain['transportSocket']['typedConfig'];
  return isObj(tc) && isObj(tc['commonTlsContext']) ? tc['commonTlsContext'] : undefined;
}

function chainsOf(listener: Obj): unknown[] {
  return [...arr(listener['filterChains']), ...(listener['defaultFilterChain'] !== undefined ? [listener['defaultFilterChain']] : [])];
}

function validationRef(common: Obj): unknown {
  const combined = common['combinedValidationContext'];
  return isObj(combined) ? combined['validationContextSdsSecretConfig'] : common['validationContextSdsSecretConfig'];
}

function chainSecretNames(chain: unknown): string[] {
  const common = commonOf(chain);
  if (!common) return [];
  const names = arr(common['tlsCertificateSdsSecretConfigs']).map(adsRefName);
  names.push(adsRefName(validationRef(common)));
  return names.filter((n): n is string => n !== undefined);
}

/** The SDS secret names a listener references. */
export function listenerSecretNames(listener: Obj): string[] {
  return [...new Set(chainsOf(listener).flatMap(chainSecretNames))];
}

/** One chain with its ADS SDS references replaced by the secrets; undefined when one is missing. */
function resolveChain(chain: unknown, secrets: (name: string) => SecretConfig | undefined): unknown {
  const common = commonOf(chain);
  if (!common || chainSecretNames(chain).length === 0) return chain;
  if (chainSecretNames(chain).some((n) => secrets(n) === undefined)) return undefined;
  const next: Record<string, unknown> = { ...common };
  const certRefs = arr(common['tlsCertificateSdsSecretConfigs']);
  if (certRefs.length > 0 && certRefs.every((r) => adsRefName(r) !== undefined)) {
    next['tlsCertificates'] = [...arr(common['tlsCertificates']), ...certRefs.map((r) => secrets(adsRefName(r) ?? '')?.tlsCertificate ?? {})];
    delete next['tlsCertificateSdsSecretConfigs'];
  }
  const vref = adsRefName(validationRef(common));
  if (vref !== undefined) {
    const combined = common['combinedValidationContext'];
    const defaults = isObj(combined) && isObj(combined['defaultValidationContext']) ? combined['defaultValidationContext'] : {};
    next['validationContext'] = { ...defaults, ...(secrets(vref)?.validationContext ?? {}) };
    delete next['combinedValidationContext'];
    delete next['validationContextSdsSecretConfig'];
  }
  const c = chain as Obj;
  const ts = c['transportSocket'] as Obj;
  return { ...c, transportSocket: { ...ts, typedConfig: { ...(ts['typedConfig'] as Obj), commonTlsContext: next } } };
}

export interface ResolvedListener {
  /** The listener with secrets in place and waiting chains left out; undefined when nothing is left to serve. */
  readonly json: Obj | undefined;
  /** Secret names that have not arrived. */
  readonly waiting: readonly string[];
}

export function resolveListenerSecrets(listener: Obj, secrets: (name: string) => SecretConfig | undefined): ResolvedListener {
  const names = listenerSecretNames(listener);
  if (names.length === 0) return { json: listener, waiting: [] };
  const waiting = names.filter((n) => secrets(n) === undefined);
  const chains = arr(listener['filterChains']).map((c) => resolveChain(c, secrets)).filter((c) => c !== undefined);
  const dflt = listener['defaultFilterChain'] === undefined ? undefined : resolveChain(listener['defaultFilterChain'], secrets);
  if (chains.length === 0 && dflt === undefined) return { json: undefined, waiting };
  const { defaultFilterChain: _d, ...rest } = listener;
  return { json: { ...rest, filterChains: chains, ...(dflt !== undefined ? { defaultFilterChain: dflt } : {}) }, waiting };
}
