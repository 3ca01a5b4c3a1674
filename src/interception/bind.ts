/**
 * Binds defaults, environment variables, `--config-file` and command-line flags into one
 * CaptureConfig, in that order of precedence (lowest first). Reports which fields were given
 * explicitly, so run-time detection (IPv6, DNS servers, proxy UID) does not override them.
 */
import { readFileSync } from 'node:fs';
import { ErrorCodes, MizzenError, invalidFlag } from '../core/errors.ts';
import { defaultConfig, type CaptureConfig } from './config.ts';
import { envOnlyDefs, flagDefs, parseGoBool, type FlagDef } from './flags.ts';

type Field = keyof CaptureConfig;

export interface BoundConfig {
  readonly config: CaptureConfig;
  /** Fields set by the config file or a flag (not by defaults or env). */
  readonly explicit: ReadonlySet<Field>;
}

/** Raw flag values as the CLI parser returns them, keyed by long flag name. */
export type RawFlags = Readonly<Record<string, string | boolean | undefined>>;

export function bindConfig(opts: { env: NodeJS.ProcessEnv; flags: RawFlags; configFile?: string | undefined }): BoundConfig {
  const cfg = defaultConfig();
  const explicit = new Set<Field>();

  for (const d of flagDefs) {
    for (const name of d.env) {
      const v = opts.env[name];
      if (v !== undefined) setFromString(cfg, d, v, `environment variable ${name}`);
    }
  }
  for (const d of envOnlyDefs) {
    const v = opts.env[d.env];
    if (v !== undefined) (cfg[d.field] as string) = v;
  }
  if (opts.configFile !== undefined) {
    for (const [field, value] of Object.entries(readConfigFile(opts.configFile))) {
      (cfg as unknown as Record<string, unknown>)[field] = value;
      explicit.add(field as Field);
    }
  }
  for (const d of flagDefs) {
    const v = opts.flags[d.long];
    if (v === undefined) continue;
    if (typeof v === 'boolean') (cfg[d.field] as boolean) = v;
    else setFromString(cfg, d, v, `--${d.long}`);
    explicit.add(d.field);
  }
  return { config: cfg, explicit };
}

function setFromString(cfg: CaptureConfig, d: FlagDef, v: string, source: string): void {
  const target = cfg as unknown as Record<string, unknown>;
  if (d.kind === 'bool') {
    const b = parseGoBool(v);
    if (b === undefined) throw invalidFlag(source, v, 'expected a boolean (true/false, 1/0, t/f)');
    target[d.field] = b;
  } else if (d.kind === 'number') {
    if (!/^\d+$/.test(v)) throw invalidFlag(source, v, 'expected a whole number');
    target[d.field] = Number(v);
  } else {
    target[d.field] = v;
  }
}

/** Reads a JSON object whose keys are CaptureConfig field names (as in cases.json). */
export function readConfigFile(path: string): Partial<CaptureConfig> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new MizzenError(ErrorCodes.InvalidConfigFile, `--config-file ${path}: cannot read a JSON object`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MizzenError(ErrorCodes.InvalidConfigFile, `--config-file ${path}: expected a JSON object of config fields`);
  }
  const defaults = defaultConfig() as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!(key in defaults)) {
      throw new MizzenError(ErrorCodes.InvalidConfigFile, `--config-file ${path}: unknown field ${JSON.stringify(key)}`);
    }
    const want = defaults[key];
    const ok = Array.isArray(want)
      ? Array.isArray(value) && value.every((x) => typeof x === 'string')
      : typeof value === typeof want;
    if (!ok) {
      const type = Array.isArray(want) ? 'an array of strings' : `a ${typeof want}`;
      throw new MizzenError(ErrorCodes.InvalidConfigFile,
        `--config-file ${path}: field ${key} must be ${type}, got ${JSON.stringify(value)}`);
    }
    out[key] = value;
  }
  return out as Partial<CaptureConfig>;
}
