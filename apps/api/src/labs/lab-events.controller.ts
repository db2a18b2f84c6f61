import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { InstructorActor } from '../auth/actor';
import { CurrentInstructor } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { OperationId } from '../common/operation-id';
import { UuidParam } from '../common/uuid-param';
import { PushHub } from '../push/push-hub';
import { openSseStream, type SseMessage, type SseStream } from '../push/sse-stream';
import { LabSessionPageDto, ListLabSessionsQueryDto } from './dto/lab-session.dto';
import { LabSessionsQuery } from './lab-sessions.query';

const READINESS_COALESCE_MS = 250;

/** What an instructor watches of a lab: its sessions and their live stream (states and counts, never secrets). */
@ApiTags('labs')
@ApiBearerAuth()
@ApiProblemResponses()
@Controller('v1/labs/:labId')
export class LabEventsController {
  constructor(
    private readonly query: LabSessionsQuery,
    private readonly hub: PushHub,
  ) {}

  @Get('sessions')
  @OperationId('LabSessionsController_sessions')
  @ApiOkResponse({ type: LabSessionPageDto, description: 'States, failure reasons and expiries; never secrets.' })
  sessions(
    @CurrentInstructor() me: InstructorActor,
    @UuidParam('labId') labId: string,
    @Query() q: ListLabSessionsQueryDto,
  ) {
    return this.query.list(me.scope, labId, q, q);
  }

  @Get('events')
  @OperationId('LabSessionsController_events')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'SSE: `lab.readiness` counts and `session.state` per student; resumable with Last-Event-ID.',
  })
  async events(
    @CurrentInstructor() me: InstructorActor,
    @UuidParam('labId') labId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const scope = me.scope;
    let pending: NodeJS.Timeout | undefined;
    let cancelOnClose = false;
    const readiness = async (): Promise<SseMessage> => ({
      event: 'lab.readiness',
      data: { labId, counts: await this.query.readiness(scope, labId) },
    });
    // Counts are recomputed at most every 250 ms however fast sessions change; a recount that fails is skipped (the next event retries).
    const scheduleReadiness = (stream: SseStream) => {
      if (pending || stream.closed) return;
      pending = setTimeout(() => {
        pending = undefined;
        readiness().then(
          (message) => stream.send(message),
          () => undefined,
        );
      }, READINESS_COALESCE_MS);
      if (!cancelOnClose) stream.onClose(() => pending && clearTimeout(pending));
      cancelOnClose = true;
    };
    await openSseStream(req, res, this.hub, {
      channel: { kind: 'lab', tenantId: me.tenantId, labId },
      owner: me.tokenId ? `i:${me.tenantId}:${me.tokenId}` : `i:${me.tenantId}:session:${me.sessionId}`,
      prepare: () => this.query.requireLab(scope, labId),
      render: ({ event }, stream) => {
        scheduleReadiness(stream);
        return Promise.resolve([
          {
            event: 'session.state',
            data: {
              sessionId: event.sessionId,
              studentId: event.studentId,
              state: event.state,
              type: event.type,
              detail: event.detail ?? null,
              at: event.at,
            },
          },
        ]);
      },
      initial: async () => [await readiness()],
    });
  }
}
