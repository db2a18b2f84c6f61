import { specQueuePrefix } from './env';
import type { AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { startTestApi, type TestApi } from './api';
import { startSchoolAws } from './aws-world';
import { testPrisma } from './factories';
import { startTestWorker, type TestWorker } from './worker';

export interface Pipeline {
  aws: AwsLocal;
  api: TestApi;
  worker: TestWorker;
  prisma: PrismaClient;
  /** http://127.0.0.1:<port> of the api, for SSE clients. */
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * The whole issuance path for one spec file: a school's AWS (aws-local trusting `externalIds`),
 * the api and a worker sharing a queue prefix of their own, and a Prisma client for arranging rows. The api
 * listens on `port` when one is given (0: any free port).
 */
export async function startPipeline(
  externalIds: string[],
  env: Record<string, string> = {},
  port = 0,
): Promise<Pipeline> {
  const prisma = testPrisma();
  const aws = await startSchoolAws(externalIds);
  const shared = { QUEUE_PREFIX: specQueuePrefix('pipe'), ...env };
  const api = await startTestApi(shared, port);
  const worker = await startTestWorker(shared);
  const { port: listening } = api.app.getHttpServer().address() as { port: number };
  return {
    aws,
    api,
    worker,
    prisma,
    baseUrl: `http://127.0.0.1:${listening}`,
    close: async () => {
      await worker.close();
      await api.close();
      await aws.close();
      await prisma.$disconnect();
    },
  };
}
