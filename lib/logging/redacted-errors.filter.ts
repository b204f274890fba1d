import { type ArgumentsHost, Catch, HttpException, HttpStatus } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { describeError } from './redaction.js';
import { RedactingLogger } from './redacting-logger.js';

/**
 * The last word on the module's routes: an unexpected error answers Nest's plain 500 and is logged
 * through the redaction layer. Nest's own handler would log the error object whole, and a TypeORM
 * QueryFailedError carries the statement's parameters (tokens included). HttpExceptions go on as usual.
 */
@Catch()
export class RedactedErrorsFilter extends BaseExceptionFilter {
  private readonly logger = new RedactingLogger('FitbitModule');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof HttpException || host.getType() !== 'http') return super.catch(exception, host);
    this.logger.error(`Unexpected error: ${describeError(exception)}`);
    const adapter = this.applicationRef ?? this.httpAdapterHost?.httpAdapter;
    const res = host.switchToHttp().getResponse<unknown>();
    if (!adapter) return;
    if (adapter.isHeadersSent(res)) adapter.end(res);
    else adapter.reply(res, { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error' }, HttpStatus.INTERNAL_SERVER_ERROR);
  }
}
