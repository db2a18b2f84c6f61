import { Controller, Get, GoneException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { TokenAuthenticator } from '../auth/token-authenticator.service';
import { ConsoleLinks } from './console-links';
import { StudentSessionsService } from './student-sessions.service';

/**
 * Opens a single-use console link (the `consoleUrl` of the credentials JSON and events) in a browser: no bearer
 * header, the code itself is the proof, once. Minted into a federation sign-in URL at the moment it is opened.
 */
@ApiExcludeController()
@Public()
@Controller('v1/console')
export class ConsoleLinkController {
  constructor(
    private readonly links: ConsoleLinks,
    private readonly tokens: TokenAuthenticator,
    private readonly sessions: StudentSessionsService,
  ) {}

  @Get(':code')
  async open(@Param('code') code: string, @Res() res: Response): Promise<void> {
    const grant = await this.links.redeem(code);
    if (!grant)
      throw new GoneException({
        detail:
          'This console link was used already or has expired; open a new one from your LabKeys page or with `labkeys console`.',
      });
    const url = (await this.tokens.isCurrent(grant.actor))
      ? await this.sessions.consoleUrlForSession(grant.actor, grant.sessionId)
      : null;
    if (!url) throw new GoneException({ detail: 'The lab access this link was for has ended.' });
    res.setHeader('cache-control', 'no-store');
    res.setHeader('referrer-policy', 'no-referrer');
    res.redirect(302, url);
  }
}
