import { Logger } from '@nestjs/common';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { AwsCallError } from '@labkeys/aws';
import { ConflictError, LabStateConflictError, NotFoundError, ValidationError } from '@labkeys/core';
import { JOB_CATALOGUE, JobName, QueueName } from '@labkeys/queues';
import { HandlesJob, type JobHandler, type JobHandlerClass } from './job-handler';
import { JobDispatcher } from './job-dispatcher';

type Handle = jest.Mock<Promise<unknown>, Parameters<JobHandler['handle']>>;

/** One handler class per catalogue job, each instance answered by its own mock. */
function setUp() {
  const mocks = new Map<JobName, Handle>();
  const classes: JobHandlerClass[] = [];
  for (const name of Object.values(JobName)) {
    const cls = class implements JobHandler {
      async handle() {}
    };
    HandlesJob(name)(cls);
    classes.push(cls);
    mocks.set(name, jest.fn());
  }
  const instances: JobHandler[] = Object.values(JobName).map((name) => ({ handle: mocks.get(name)! }));
  const dispatcher = new JobDispatcher(classes, instances);
  const handle = mocks.get(JobName.IssueSession)!;
  const callsExcept = (job: JobName) =>
    [...mocks].filter(([name]) => name !== job).flatMap(([, mock]) => mock.mock.calls);
  return { dispatcher, handle, mocks, callsExcept };
}

function job(name: string, data: unknown): Job {
  const fields: Pick<Job, 'name' | 'data' | 'id'> = { name, data, id: `${name}-1` };
  return fields as Job;
}

const issue = job(JobName.IssueSession, {
  tenantId: '0190a000-0000-7000-8000-000000000001',
  sessionId: '0190a000-0000-7000-8000-0000000000c1',
});

let warn: jest.SpyInstance;

beforeEach(() => {
  warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => {});
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('JobDispatcher', () => {
  it.each([JobName.IssueSession, JobName.ExpireSession, JobName.SendAccessLink])(
    'hands the payload, the job and the lock token of %s to its own handler and answers its result',
    async (name) => {
      const t = setUp();
      const mine = t.mocks.get(name)!;
      mine.mockResolvedValue('done');
      const delivered = job(name, { tenantId: '0190a000-0000-7000-8000-000000000001' });

      await expect(t.dispatcher.dispatch(JOB_CATALOGUE[name].queue, delivered, 'token-1')).resolves.toBe('done');

      expect(mine).toHaveBeenCalledWith(delivered.data, delivered, 'token-1');
      expect(t.callsExcept(name)).toEqual([]);
    },
  );

  it.each([
    ['not found', new NotFoundError('The lab does not exist.'), 'not-found: The lab does not exist.'],
    ['conflict', new ConflictError('The course is archived.'), 'conflict: The course is archived.'],
    ['lab state', new LabStateConflictError('ENDED', 'The lab has ended.'), 'lab-state-conflict: The lab has ended.'],
    [
      'validation',
      new ValidationError([{ field: 'name', message: 'too long' }]),
      'validation: The request has invalid fields.',
    ],
  ])(
    'fails the job at once on a domain error (%s): BullMQ does not retry an UnrecoverableError',
    async (_, error, message) => {
      const t = setUp();
      t.handle.mockRejectedValue(error);

      const thrown = await t.dispatcher.dispatch(QueueName.Issuance, issue).catch((e: unknown) => e);

      expect(thrown).toBeInstanceOf(UnrecoverableError);
      expect((thrown as Error).message).toBe(message);
      expect(warn).toHaveBeenCalledWith(
        expect.objectContaining({ queue: QueueName.Issuance, job: JobName.IssueSession, code: error.code }),
        'job refused; not retried',
      );
    },
  );

  it.each([
    ['a retryable AWS error', new AwsCallError('Throttling', 'Rate exceeded', 400, true)],
    ['a permanent AWS error the handler did not settle', new AwsCallError('AccessDenied', 'denied', 403, false)],
    ['any other error', new Error('connection reset')],
    ['the delay of a paced job', new DelayedError()],
  ])('rethrows %s as it is, for BullMQ to retry or delay', async (_, error) => {
    const t = setUp();
    t.handle.mockRejectedValue(error);

    await expect(t.dispatcher.dispatch(QueueName.Issuance, issue)).rejects.toBe(error);
    expect(warn).not.toHaveBeenCalled();
  });

  it('refuses a job the catalogue does not know, or one on another queue than its own, without running a handler', async () => {
    const t = setUp();
    expect(JOB_CATALOGUE[JobName.IssueSession].queue).not.toBe(QueueName.Lifecycle);

    await expect(t.dispatcher.dispatch(QueueName.Issuance, job('mine-bitcoin', {}))).rejects.toThrow(
      'no handler for job "mine-bitcoin" on queue "issuance"',
    );
    await expect(t.dispatcher.dispatch(QueueName.Lifecycle, issue)).rejects.toThrow(
      'no handler for job "issue-session" on queue "lifecycle"',
    );
    expect(t.handle).not.toHaveBeenCalled();
    expect(t.callsExcept(JobName.IssueSession)).toEqual([]);
  });
});
