import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { loadEnv } from '@labkeys/config';
import { ApiModule } from '../api.module';
import { buildOpenApiDocument } from '../bootstrap';

/**
 * The api's OpenAPI document without a running api: Nest's preview mode reads the modules' metadata
 * and instantiates no provider, so nothing connects to Postgres or Redis.
 */
export async function openApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create(ApiModule.forRoot(loadEnv({})), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
