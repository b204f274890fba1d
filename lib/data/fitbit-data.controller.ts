import { All, Controller, Get, Header, HttpCode, MethodNotAllowedException, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SignedInUsers } from '../auth/signed-in-user.js';
import { UserLinkStore } from '../auth/user-link.store.js';
import { FitbitConfig } from '../config/fitbit-config.js';
import { FitbitService } from '../integration/fitbit.service.js';
import { DataStatus, dataResponse, importStatusResponse, type DataResponse, type ImportStatusResponse } from './data-response.js';
import { isKnownTimeSeriesType, type TimeSeriesCategoryName } from './time-series-data-types.js';
import { parseTimeSeriesQuery } from './time-series-query.js';
import { TimeSeriesReader } from './time-series-reader.service.js';
import { RedactedErrorsFilter } from '../logging/redacted-errors.filter.js';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Written straight to the response rather than through Express's `send`: the envelope is
 * django-fitbit's contract, not something to reshape, and `send` would hash every answer for an
 * ETag that `no-store` makes useless (about a tenth of a database-mode answer's time).
 */
function sendAnswer(res: Response, answer: DataResponse | ImportStatusResponse | string): void {
  res.writeHead(200, { 'Cache-Control': 'no-store', 'Content-Type': JSON_CONTENT_TYPE });
  res.end(typeof answer === 'string' ? answer : JSON.stringify(answer));
}

/**
 * fitbit-data and the deprecated fitbit-steps: daily values as django-fitbit's JSON envelope —
 * a DataResponse, or in database mode the same envelope already serialized (see TimeSeriesReader.stored).
 */
@Controller()
@UseFilters(RedactedErrorsFilter)
export class FitbitDataController {
  constructor(
    private readonly config: FitbitConfig,
    private readonly users: SignedInUsers,
    private readonly links: UserLinkStore,
    private readonly reader: TimeSeriesReader,
    private readonly fitbit: FitbitService,
  ) {}

  @Get('get_data/:category/*resource')
  async getData(
    @Req() req: Request,
    @Res() res: Response,
    @Param('category') category: string,
    @Param('resource') resource: string | string[],
    @Query() query: Record<string, unknown>,
  ): Promise<void> {
    const path = (Array.isArray(resource) ? resource : resource.split('/')).filter((segment) => segment !== '');
    sendAnswer(res, await this.answer(req, category, path.join('/'), query));
  }

  @Get('get_steps')
  async getSteps(@Req() req: Request, @Res() res: Response, @Query() query: Record<string, unknown>): Promise<void> {
    sendAnswer(res, await this.answer(req, 'activities', 'steps', query));
  }

  /**
   * fitbit-import-status: the signed-in user's history import (FitbitService.importStatus) in the
   * data endpoint's envelope: 101 signed out, 102 no link, else 100 with one object per type.
   */
  @Get('import_status')
  async importStatus(@Req() req: Request, @Res() res: Response): Promise<void> {
    const user = this.users.of(req);
    if (!user) return sendAnswer(res, dataResponse(DataStatus.notSignedIn));
    const status = await this.fitbit.importStatus(user.id);
    sendAnswer(res, status ? importStatusResponse(status) : dataResponse(DataStatus.notIntegrated));
  }

  /** django's `require_GET`: 405 with `Allow: GET` (RFC 9110 requires the header on a 405). */
  @All(['get_data/:category/*resource', 'get_steps', 'import_status'])
  @HttpCode(405)
  @Header('Allow', 'GET')
  otherMethods(): never {
    throw new MethodNotAllowedException();
  }

  /**
   * The order of checks is django-fitbit's: type, user, link, then the query. When subscribing
   * there is no link check (stored rows outlive the link), so the link is not even read unless
   * the reader needs the user's time zone.
   */
  private async answer(req: Request, category: string, resource: string, query: Record<string, unknown>): Promise<DataResponse | string> {
    if (!isKnownTimeSeriesType(category, resource)) return dataResponse(DataStatus.badInput);
    const type = { category: category as TimeSeriesCategoryName, resource };
    const user = this.users.of(req);
    if (!user) return dataResponse(DataStatus.notSignedIn);
    if (this.config.subscribe) {
      const parsed = parseTimeSeriesQuery(query);
      if (!parsed) return dataResponse(DataStatus.badInput);
      return this.reader.stored(user.id, type, parsed);
    }
    const link = await this.links.findByUser(user.id);
    const currentLink = link?.provider === this.config.provider ? link : null;
    if (!currentLink) return dataResponse(DataStatus.notIntegrated);
    const parsed = parseTimeSeriesQuery(query);
    if (!parsed) return dataResponse(DataStatus.badInput);
    return this.reader.live(currentLink, type, parsed);
  }
}
