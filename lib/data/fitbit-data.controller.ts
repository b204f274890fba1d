import { All, Controller, Get, Header, HttpCode, MethodNotAllowedException, Param, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { SignedInUsers } from '../auth/signed-in-user.js';
import { UserLinkStore } from '../auth/user-link.store.js';
import { FitbitConfig } from '../config/fitbit-config.js';
import { DataStatus, dataResponse, type DataResponse } from './data-response.js';
import { isKnownTimeSeriesType, type TimeSeriesCategoryName } from './time-series-data-types.js';
import { parseTimeSeriesQuery } from './time-series-query.js';
import { TimeSeriesReader } from './time-series-reader.service.js';

/** Set up front, so an answer the database already wrote as JSON text goes out as JSON too. */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * fitbit-data and the deprecated fitbit-steps: daily values as django-fitbit's JSON envelope —
 * a DataResponse, or in database mode the same envelope already serialized (see TimeSeriesReader.stored).
 */
@Controller('fitbit')
export class FitbitDataController {
  constructor(
    private readonly config: FitbitConfig,
    private readonly users: SignedInUsers,
    private readonly links: UserLinkStore,
    private readonly reader: TimeSeriesReader,
  ) {}

  @Get('get_data/:category/*resource')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Type', JSON_CONTENT_TYPE)
  getData(
    @Req() req: Request,
    @Param('category') category: string,
    @Param('resource') resource: string | string[],
    @Query() query: Record<string, unknown>,
  ): Promise<DataResponse | string> {
    const path = (Array.isArray(resource) ? resource : resource.split('/')).filter((segment) => segment !== '');
    return this.answer(req, category, path.join('/'), query);
  }

  @Get('get_steps')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Type', JSON_CONTENT_TYPE)
  getSteps(@Req() req: Request, @Query() query: Record<string, unknown>): Promise<DataResponse | string> {
    return this.answer(req, 'activities', 'steps', query);
  }

  /** django's `require_GET`: 405 with `Allow: GET` (RFC 9110 requires the header on a 405). */
  @All(['get_data/:category/*resource', 'get_steps'])
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
