import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { runWithRequestContext } from './request-context';

/** Opens the request's context; the auth guard adds the actor to it. */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  // pino-http's genReqId (libs/logging) sets the id, always a string.
  use(req: Request & { id?: string }, res: Response, next: NextFunction): void {
    const requestId = req.id !== undefined ? String(req.id) : (res.getHeader('x-request-id') as string | undefined);
    runWithRequestContext({ requestId }, next);
  }
}
