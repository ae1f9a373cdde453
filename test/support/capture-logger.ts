import type { LoggerService } from '@nestjs/common';

/** One line a Nest logger was given. */
export interface LoggedLine {
  level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  message: string;
  context: string | undefined;
}

/**
 * A Nest `LoggerService` that keeps every line, for `app.useLogger()` /
 * `Test.createTestingModule(…).setLogger()`. Nest's `Logger` instances (the
 * module's default logger) write through it.
 */
export class CaptureLogger implements LoggerService {
  readonly lines: LoggedLine[] = [];

  log(message: unknown, ...rest: unknown[]): void {
    this.#add('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.#add('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.#add('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.#add('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.#add('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.#add('fatal', message, rest);
  }

  /** Every line, with its context and any extra parameters, as one string. */
  get text(): string {
    return this.lines.map((l) => `[${l.level}] [${l.context ?? ''}] ${l.message}`).join('\n');
  }

  /** The lines logged under `context`. */
  from(context: string): LoggedLine[] {
    return this.lines.filter((l) => l.context === context);
  }

  #add(level: LoggedLine['level'], message: unknown, rest: unknown[]): void {
    const last = rest[rest.length - 1];
    const context = typeof last === 'string' ? last : undefined;
    const extra = rest.slice(0, context === undefined ? rest.length : -1).map((r) => (r instanceof Error ? `${r.message}\n${r.stack}` : String(r)));
    const text = message instanceof Error ? `${message.message}\n${message.stack}` : String(message);
    this.lines.push({ level, message: [text, ...extra].join('\n'), context });
  }
}
