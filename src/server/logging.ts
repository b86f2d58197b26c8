/**
 * Structured JSON logs in the shape Kyverno's `--loggingFormat=json` produces (pkg/logging: zerolog behind
 * logr): one JSON object per line on stderr with `level`, `time` (RFC 3339), `logger` (the dotted logr name),
 * `message`, an optional `v` verbosity for debug lines, an `error` text for errors, then the key/values.
 *
 * Verbosity follows logr: `log.v(2).info(...)` is written only when the configured verbosity (`-v`) is at
 * least 2. Level 0 lines are `info`, higher ones `debug`.
 *
 * ```ts
 * const log = createLogger({ verbosity: 2 }).child('webhooks').child('server');
 * log.info('listening', { address: '127.0.0.1:9443' });
 * // {"level":"info","time":"2026-01-01T00:00:00Z","logger":"webhooks.server","message":"listening","address":"127.0.0.1:9443"}
 * ```
 */
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';

export type LogFields = Record<string, unknown>;

export interface Logger {
  /** logr `Info` at verbosity 0 (always written) */
  info(message: string, fields?: LogFields): void;
  /** logr `Error` */
  error(err: unknown, message: string, fields?: LogFields): void;
  /** a logger writing at verbosity `level` (debug lines when > 0) */
  v(level: number): Logger;
  /** whether lines at verbosity `level` are written */
  enabled(level: number): boolean;
  /** logr `WithName`: names are joined with `.` */
  child(name: string, fields?: LogFields): Logger;
  /** logr `WithValues` */
  with(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** logr verbosity (`-v`); default 0 */
  verbosity?: number;
  /** where lines go (default: stderr, asynchronous) */
  destination?: DestinationStream;
  /** the root logger name */
  name?: string;
}

function rfc3339(): string {
  // RFC 3339 with second precision and Z, as Go's time.RFC3339 for UTC
  const s = new Date().toISOString();
  return `,"time":"${s.slice(0, 19)}Z"`;
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

class PinoBackedLogger implements Logger {
  private readonly p: PinoLogger;
  constructor(
    private readonly root: PinoLogger,
    private readonly verbosity: number,
    private readonly name: string,
    private readonly bindings: LogFields,
    private readonly level = 0,
  ) {
    // one child per logger, from the root, so that names and values never repeat in a line
    this.p = Object.keys(bindings).length === 0 && name === '' ? root : root.child(name === '' ? bindings : { logger: name, ...bindings });
  }

  enabled(level: number): boolean {
    return level <= this.verbosity;
  }

  info(message: string, fields?: LogFields): void {
    if (this.level > this.verbosity) return;
    if (this.level === 0) this.p.info(fields ?? {}, message);
    else this.p.debug({ v: this.level, ...fields }, message);
  }

  error(err: unknown, message: string, fields?: LogFields): void {
    this.p.error({ ...fields, error: errorText(err) }, message);
  }

  v(level: number): Logger {
    if (level === 0) return this;
    // a line at a verbosity that is not enabled is never written: no logger needed
    if (this.level + level > this.verbosity) return discardLogger;
    return new PinoBackedLogger(this.root, this.verbosity, this.name, this.bindings, this.level + level);
  }

  child(name: string, fields?: LogFields): Logger {
    const full = this.name === '' ? name : `${this.name}.${name}`;
    return new PinoBackedLogger(this.root, this.verbosity, full, { ...this.bindings, ...fields }, this.level);
  }

  with(fields: LogFields): Logger {
    return new PinoBackedLogger(this.root, this.verbosity, this.name, { ...this.bindings, ...fields }, this.level);
  }
}

/** The root logger. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const verbosity = opts.verbosity ?? 0;
  const destination = opts.destination ?? pino.destination({ dest: 2, sync: false });
  const p = pino(
    {
      level: verbosity > 0 ? 'debug' : 'info',
      base: null,
      messageKey: 'message',
      timestamp: rfc3339,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const root = new PinoBackedLogger(p, verbosity, '', {});
  return opts.name ? root.child(opts.name) : root;
}

/** A logger that writes nothing (tests, library use). */
export const discardLogger: Logger = {
  info() {},
  error() {},
  v() {
    return discardLogger;
  },
  enabled() {
    return false;
  },
  child() {
    return discardLogger;
  },
  with() {
    return discardLogger;
  },
};

/** A logger collecting lines in memory (tests). */
export class MemoryLogger implements Logger {
  readonly lines: Array<{ level: 'info' | 'error' | 'debug'; logger: string; message: string; fields: LogFields }>;
  constructor(
    private readonly verbosity = 10,
    private readonly name = '',
    private readonly level = 0,
    private readonly fields: LogFields = {},
    lines?: MemoryLogger['lines'],
  ) {
    this.lines = lines ?? [];
  }
  enabled(level: number): boolean {
    return level <= this.verbosity;
  }
  info(message: string, fields?: LogFields): void {
    if (this.level > this.verbosity) return;
    this.lines.push({ level: this.level === 0 ? 'info' : 'debug', logger: this.name, message, fields: { ...this.fields, ...fields } });
  }
  error(err: unknown, message: string, fields?: LogFields): void {
    this.lines.push({ level: 'error', logger: this.name, message, fields: { ...this.fields, ...fields, error: errorText(err) } });
  }
  v(level: number): Logger {
    return new MemoryLogger(this.verbosity, this.name, this.level + level, this.fields, this.lines);
  }
  child(name: string, fields?: LogFields): Logger {
    return new MemoryLogger(this.verbosity, this.name === '' ? name : `${this.name}.${name}`, this.level, { ...this.fields, ...fields }, this.lines);
  }
  with(fields: LogFields): Logger {
    return new MemoryLogger(this.verbosity, this.name, this.level, { ...this.fields, ...fields }, this.lines);
  }
}

/**
 * A logger whose key/values are computed only when a line is written (the per-request logger: most
 * requests log nothing at the default verbosity).
 */
export function lazyWith(base: Logger, fields: () => LogFields): Logger {
  let real: Logger | undefined;
  const get = (): Logger => (real ??= base.with(fields()));
  return {
    info(message, f) {
      if (base.enabled(0)) get().info(message, f);
    },
    error(err, message, f) {
      get().error(err, message, f);
    },
    v(level) {
      return base.enabled(level) ? get().v(level) : discardLogger;
    },
    enabled(level) {
      return base.enabled(level);
    },
    child(name, f) {
      return get().child(name, f);
    },
    with(f) {
      return get().with(f);
    },
  };
}
