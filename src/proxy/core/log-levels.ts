/**
 * Envoy's per-component loggers with levels that change at run time (admin `/logging`). Lines
 * keep the shape of src/core/log.ts, with Envoy's component after the level, as istio-proxy
 * prints Envoy's own lines: `<time>\tinfo\tenvoy config\t<message>`.
 */
import { createLogger, type Logger } from '../../core/log.ts';

export const envoyLevels = ['trace', 'debug', 'info', 'warning', 'error', 'critical', 'off'] as const;
export type EnvoyLevel = (typeof envoyLevels)[number];

export const components = ['admin', 'config', 'connection', 'filter', 'main', 'misc', 'pool', 'upstream'] as const;
export type Component = (typeof components)[number];

const rank: Record<EnvoyLevel, number> = { trace: 0, debug: 1, info: 2, warning: 3, error: 4, critical: 5, off: 6 };

export function isEnvoyLevel(s: string): s is EnvoyLevel {
  return (envoyLevels as readonly string[]).includes(s);
}

export class LogLevels {
  private readonly levels = new Map<Component, EnvoyLevel>();
  private readonly base: Logger;

  constructor(initial: EnvoyLevel, write?: (line: string) => void) {
    for (const c of components) this.levels.set(c, initial);
    this.base = createLogger({ level: 'debug', ...(write ? { write } : {}) });
  }

  /** Sets one component, or every component when `component` is undefined. */
  set(level: EnvoyLevel, component?: Component): void {
    for (const c of component ? [component] : components) this.levels.set(c, level);
  }

  entries(): readonly [Component, EnvoyLevel][] {
    return components.map((c) => [c, this.levels.get(c) ?? 'info']);
  }

  logger(component: Component): Logger {
    const on = (l: EnvoyLevel): boolean => rank[l] >= rank[this.levels.get(component) ?? 'info'];
    const prefix = `envoy ${component}\t`;
    return {
      debug: (m) => { if (on('debug')) this.base.debug(prefix + m); },
      info: (m) => { if (on('info')) this.base.info(prefix + m); },
      warn: (m) => { if (on('warning')) this.base.warn(prefix + m); },
      error: (m) => { if (on('error')) this.base.error(prefix + m); },
    };
  }
}
