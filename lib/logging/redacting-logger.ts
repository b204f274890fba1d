import { Logger } from '@nestjs/common';
import { describeError, redact } from './redaction.js';

/** Nest's Logger with every message, error and stack run through the redaction layer; the module's only logger. */
export class RedactingLogger extends Logger {
  override log(message: unknown, ...rest: unknown[]): void {
    super.log(clean(message), ...rest.map(clean));
  }

  override warn(message: unknown, ...rest: unknown[]): void {
    super.warn(clean(message), ...rest.map(clean));
  }

  override error(message: unknown, ...rest: unknown[]): void {
    super.error(clean(message), ...rest.map(clean));
  }

  override debug(message: unknown, ...rest: unknown[]): void {
    super.debug(clean(message), ...rest.map(clean));
  }

  override verbose(message: unknown, ...rest: unknown[]): void {
    super.verbose(clean(message), ...rest.map(clean));
  }

  override fatal(message: unknown, ...rest: unknown[]): void {
    super.fatal(clean(message), ...rest.map(clean));
  }
}

function clean(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (value instanceof Error) return describeError(value);
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return value;
  // Objects are written as JSON: redact that text, so no field escapes by nesting.
  try {
    return redact(JSON.stringify(value));
  } catch {
    return '[unserialisable]';
  }
}
