import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import {
  LabRepository,
  parseSort,
  UnitOfWork,
  type JsonInput,
  type Lab,
  type Page,
  type TenantScope,
  type Tx,
} from '@labkeys/database';
import { JobName, JobProducer } from '@labkeys/queues';
import { AuditService } from '../audit/audit.service';
import { ValidationProblemException } from '../common/problem';
import type { CreateLabDto, ListLabsQueryDto, UpdateLabDto } from './dto/lab.dto';
import { checkLab } from './lab-input.validator';

export type LabView = Omit<Lab, 'tenantId'>;
const view = ({ tenantId: _t, ...rest }: Lab): LabView => rest;
const toDate = (value: string | null | undefined) =>
  value === undefined ? undefined : value === null ? null : new Date(value);

/** Labs of a tenant: stored and edited while scheduled; starting and ending belong to the issuance flow. */
@Injectable()
export class LabsService {
  private readonly logger = new Logger(LabsService.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly labs: LabRepository,
    private readonly audit: AuditService,
    private readonly producer: JobProducer,
  ) {}

  /**
   * A lab with a start time starts by itself: a delayed job per start time (the id carries the time, so
   * moving the start adds a new job and the stale one finds the lab not yet due). The repair sweep starts
   * any due lab whose job was lost.
   */
  private async scheduleStart(scope: TenantScope, lab: LabView): Promise<LabView> {
    const { tenantId } = scope;
    if (lab.state === 'SCHEDULED' && lab.startsAt) {
      // After commit: a failed add must not answer an error for a lab that exists; the sweep starts it when due.
      await this.producer
        .add(
          JobName.StartLab,
          { tenantId, labId: lab.id, at: lab.startsAt.getTime() },
          { delay: Math.max(0, lab.startsAt.getTime() - Date.now()) },
        )
        .catch((error: unknown) =>
          this.logger.warn(
            { tenantId, labId: lab.id, err: (error as Error).message },
            'could not enqueue the lab start after commit; the repair sweep starts it when due',
          ),
        );
    }
    return lab;
  }

  async list(scope: TenantScope, q: ListLabsQueryDto): Promise<Page<LabView>> {
    const page = await this.labs.page(
      scope,
      { courseId: q.courseId, templateId: q.templateId, state: q.state },
      q,
      parseSort<'createdAt' | 'startsAt' | 'name'>(q.sort, 'createdAt'),
    );
    return { ...page, items: page.items.map(view) };
  }

  async get(scope: TenantScope, id: string): Promise<LabView> {
    return view(await this.find(scope, id));
  }

  async create(scope: TenantScope, input: CreateLabDto): Promise<LabView> {
    return this.scheduleStart(scope, await this.createInTransaction(scope, input));
  }

  private createInTransaction(scope: TenantScope, input: CreateLabDto): Promise<LabView> {
    return this.uow.run(async (tx) => {
      const fields = {
        courseId: input.courseId,
        templateId: input.templateId,
        startsAt: toDate(input.startsAt) ?? null,
        endsAt: toDate(input.endsAt) ?? null,
      };
      const checked = await checkLab(
        this.labs,
        scope,
        { ...fields, sessionDurationSeconds: input.sessionDurationSeconds },
        { startsAt: true, endsAt: true },
        tx,
      );
      if (checked.problems.length > 0) throw new ValidationProblemException(checked.problems);
      const row = await this.labs.create(
        scope,
        {
          name: input.name,
          ...fields,
          sessionDurationSeconds: checked.sessionDurationSeconds,
          autoRenew: input.autoRenew ?? false,
        },
        tx,
      );
      await this.audit.record(
        scope,
        {
          action: 'lab.created',
          subjectType: 'lab',
          subjectId: row.id,
          summary: JSON.parse(JSON.stringify(view(row))) as JsonInput,
        },
        tx,
      );
      return view(row);
    });
  }

  async update(scope: TenantScope, id: string, input: UpdateLabDto): Promise<LabView> {
    return this.scheduleStart(scope, await this.updateInTransaction(scope, id, input));
  }

  private updateInTransaction(scope: TenantScope, id: string, input: UpdateLabDto): Promise<LabView> {
    return this.uow.run(async (tx) => {
      const current = await this.find(scope, id, tx);
      if (current.state !== 'SCHEDULED') throw notScheduled(current.state);
      const startsAt = toDate(input.startsAt);
      const endsAt = toDate(input.endsAt);
      const merged = {
        courseId: input.courseId ?? current.courseId,
        templateId: input.templateId ?? current.templateId,
        startsAt: startsAt === undefined ? current.startsAt : startsAt,
        endsAt: endsAt === undefined ? current.endsAt : endsAt,
      };
      // The stored duration stays unless a new one is given; either way it is checked against the (new) template's connection.
      const duration = input.sessionDurationSeconds ?? current.sessionDurationSeconds;
      const checked = await checkLab(
        this.labs,
        scope,
        { ...merged, sessionDurationSeconds: duration },
        { startsAt: startsAt != null, endsAt: endsAt != null },
        tx,
      );
      if (checked.problems.length > 0) throw new ValidationProblemException(checked.problems);
      // Conditional on the state, so a start that lands meanwhile wins and this answers 409.
      const updated = await this.labs.updateScheduled(
        scope,
        id,
        {
          name: input.name,
          ...merged,
          sessionDurationSeconds: checked.sessionDurationSeconds,
          autoRenew: input.autoRenew,
        },
        tx,
      );
      if (!updated) throw notScheduled((await this.find(scope, id, tx)).state);
      await this.audit.record(
        scope,
        {
          action: 'lab.updated',
          subjectType: 'lab',
          subjectId: id,
          summary: JSON.parse(JSON.stringify(input)) as JsonInput,
        },
        tx,
      );
      return view(await this.find(scope, id, tx));
    });
  }

  async cancel(scope: TenantScope, id: string): Promise<LabView> {
    return this.uow.run(async (tx) => {
      const current = await this.find(scope, id, tx);
      const cancelled = await this.labs.cancelScheduled(scope, id, tx);
      if (!cancelled) throw notScheduled(current.state);
      await this.audit.record(
        scope,
        { action: 'lab.cancelled', subjectType: 'lab', subjectId: id, summary: { name: current.name } },
        tx,
      );
      return view(await this.find(scope, id, tx));
    });
  }

  private async find(scope: TenantScope, id: string, tx?: Tx): Promise<Lab> {
    const row = await this.labs.find(scope, id, tx);
    if (!row) throw new NotFoundException({ detail: 'Lab not found.' });
    return row;
  }
}

function notScheduled(state: string): ConflictException {
  return new ConflictException({
    detail: `The lab is ${state}; only SCHEDULED labs can be changed or cancelled.`,
    state,
  });
}
