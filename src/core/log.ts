/**
 * Log lines in the shape Istio's components write them: an RFC 3339 UTC timestamp with
 * microseconds, the level, and the message, separated by tabs. Logs go to stderr so that
 * stdout stays clean for machine-readable output (dry-run rules, JSON).
 */

export type Level = 'debug' | 'info' | 'warn' | 'error';

const order: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

function timestamp(d: Date): string {
  // toISOString has milliseconds; Istio prints microseconds.
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function createLogger(opts: { level?: Level; write?: (line: string) => void } = {}): Logger {
  const min = order[opts.level ?? (process.env['MIZZEN_LOG_LEVEL'] as Level | undefined) ?? 'info'] ?? 1;
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  const emit = (level: Level, msg: string): void => {
    if (order[level] < min) return;
    write(`${timestamp(new Date())}\t${level}\t${msg}\n`);
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
  };
}

/** A logger that drops everything, for tests and library callers that want silence. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
