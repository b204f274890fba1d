import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/**
 * Nest's console logger without Nest's own report of a failed start-up (the "ExceptionHandler"
 * context, a stack trace): the sample says why it cannot start itself, in one line.
 */
class SampleLogger extends ConsoleLogger {
  override error(message: unknown, ...rest: unknown[]): void {
    if (rest.at(-1) === 'ExceptionHandler') return;
    super.error(message, ...rest);
  }
}

export function sampleLogger(logLevels: LogLevel[]): ConsoleLogger {
  return new SampleLogger({ logLevels });
}
