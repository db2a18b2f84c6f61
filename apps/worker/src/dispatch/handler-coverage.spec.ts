import { Injectable } from '@nestjs/common';
import { assertHandlersCoverCatalogue, WorkerBootError } from './handler-coverage';
import { HandlesJob, type JobHandler } from './job-handler';
import { JOB_CATALOGUE } from '@labkeys/queues';
import { WORKER_JOB_HANDLERS } from '../worker.module';

const catalogue = { alpha: {}, beta: {} };

@Injectable()
@HandlesJob('alpha' as never)
class AlphaHandler implements JobHandler {
  async handle() {}
}

@Injectable()
@HandlesJob('beta' as never)
class BetaHandler implements JobHandler {
  async handle() {}
}

@Injectable()
@HandlesJob('beta' as never)
class OtherBetaHandler implements JobHandler {
  async handle() {}
}

@Injectable()
@HandlesJob('gamma' as never)
class GammaHandler implements JobHandler {
  async handle() {}
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof WorkerBootError) return error.problems;
    throw error;
  }
  return [];
}

describe('assertHandlersCoverCatalogue', () => {
  it('maps each job to its one handler', () => {
    const map = assertHandlersCoverCatalogue(catalogue, [AlphaHandler, BetaHandler]);
    expect(map.get('alpha' as never)).toBe(AlphaHandler);
    expect(map.get('beta' as never)).toBe(BetaHandler);
  });

  it('refuses a job without a handler', () => {
    expect(problemsOf(() => assertHandlersCoverCatalogue(catalogue, [AlphaHandler]))).toEqual([
      'job "beta" has no handler',
    ]);
  });

  it('refuses a job with two handlers', () => {
    expect(
      problemsOf(() => assertHandlersCoverCatalogue(catalogue, [AlphaHandler, BetaHandler, OtherBetaHandler])),
    ).toEqual(['job "beta" has 2 handlers: BetaHandler, OtherBetaHandler']);
  });

  it('refuses a handler for a job the catalogue does not have', () => {
    expect(
      problemsOf(() => assertHandlersCoverCatalogue(catalogue, [AlphaHandler, BetaHandler, GammaHandler])),
    ).toEqual(['GammaHandler handles "gamma", which is not in the job catalogue']);
  });

  it('passes for the real worker', () => {
    expect(() => assertHandlersCoverCatalogue(JOB_CATALOGUE, WORKER_JOB_HANDLERS)).not.toThrow();
  });
});
