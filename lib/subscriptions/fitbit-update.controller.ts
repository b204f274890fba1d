import { All, Controller, Get, HttpCode, NotFoundException, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { NotificationIntake } from './notification-intake.service.js';

/** fitbit-update: the provider's subscriber endpoint. No session, no CSRF; the signature is the check. */
@Controller('fitbit')
export class FitbitUpdateController {
  constructor(private readonly intake: NotificationIntake) {}

  @Get('update')
  verify(@Req() req: Request, @Res() res: Response): void {
    res.status(this.intake.verification(req) ?? 404).end();
  }

  @Post('update')
  async receive(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.status(await this.intake.receive(req)).end();
  }

  @All('update')
  @HttpCode(404)
  otherMethods(): never {
    throw new NotFoundException();
  }
}
