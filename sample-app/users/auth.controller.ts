import { Controller, Get, Inject, Post, Query, Render, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SAMPLE_SETTINGS } from '../config/settings.token.js';
import type { SampleSettings } from '../config/environment.js';
import { flash } from '../web/flash.js';
import { LocalAuthGuard } from './local-auth.guard.js';
import { safeNext } from './safe-next.js';

/** Sign-in form (the module's `loginUrl`) and sign-out. */
@Controller()
export class AuthController {
  constructor(@Inject(SAMPLE_SETTINGS) private readonly settings: SampleSettings) {}

  @Get('login')
  @Render('login')
  form(@Query('next') next: unknown) {
    return {
      title: 'Sign in',
      next: safeNext(next),
      demoAccount: this.settings.defaultSampleUsers ? this.settings.sampleUsers[0] : null,
    };
  }

  @Post('login')
  @UseGuards(LocalAuthGuard)
  signIn(@Req() req: Request, @Res() res: Response): void {
    const next = safeNext((req.body as { next?: unknown } | undefined)?.next);
    if (!req.user) {
      flash(req, 'error', 'Wrong user name or password.');
      return res.redirect(`/login?next=${encodeURIComponent(next)}`);
    }
    res.redirect(next);
  }

  @Post('logout')
  signOut(@Req() req: Request, @Res() res: Response): void {
    req.logout((error) => {
      if (error) throw error;
      flash(req, 'info', 'You are signed out.');
      res.redirect('/login');
    });
  }
}
