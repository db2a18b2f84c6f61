import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { EnvSchema } from '@labkeys/config';
import { ApiModule, type ApiModuleOptions } from './api.module';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { checkJsonShape } from './common/json-shape';
import { StorableTextPipe } from './common/storable-text.pipe';
import { createValidationPipe } from './common/validation.pipe';
import { mountOperationsRoutes } from './ops/operations-routes';
import { serveWebApp } from './web/web-app';

export const OPENAPI_JSON_PATH = '/docs/openapi.json';

/** Builds the configured api application; main.ts and the e2e tests share it. */
export async function createApiApp(env: EnvSchema, options: ApiModuleOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(env, options), {
    bufferLogs: true,
    bodyParser: true,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  if (env.TRUST_PROXY)
    app.set('trust proxy', /^\d+$/.test(env.TRUST_PROXY) ? Number(env.TRUST_PROXY) : env.TRUST_PROXY);
  // HTTP metrics, /metrics and the queue board, ahead of every Nest route (and any catch-all among them).
  mountOperationsRoutes(app, env);
  // Depth and array sizes are checked on the raw bytes, before anything recursive sees the document.
  app.useBodyParser('json', {
    limit: '1mb',
    verify: (_req: unknown, _res: unknown, raw: Buffer) => checkJsonShape(raw),
  });
  // Unstorable text is refused before validation, so every field is named whatever its validators are.
  app.useGlobalPipes(new StorableTextPipe(), createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  // SIGTERM/SIGINT: HttpDrain stops accepting and lets requests finish, the push hub ends open streams
  // (clients reconnect after the stream's retry hint), then Redis and Postgres close; then exit 0.
  app.enableShutdownHooks([], { useProcessExit: true });
  setupOpenApi(app);
  // The instructor dashboard (apps/web), same origin as the api it calls.
  serveWebApp(app, options.webDistDir);
  return app;
}

function setupOpenApi(app: INestApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH.slice(1),
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('LabKeys API')
      .setDescription('Temporary, scoped AWS access for student labs. Errors are application/problem+json (RFC 9457).')
      .setVersion('1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        description: 'Instructor API token (lk_…) or student access token (lks_…)',
      })
      .addCookieAuth('lk_session', {
        type: 'apiKey',
        in: 'cookie',
        description: 'Dashboard session (POST /v1/auth/sign-in); changes also need the x-csrf-token header',
      })
      .addCookieAuth(
        'lks_session',
        {
          type: 'apiKey',
          in: 'cookie',
          description:
            "Student page session (POST /v1/me/session with the access token); changes must come from LabKeys' origin",
        },
        'lks_session',
      )
      .build(),
    // Tags come from @ApiTags on each controller or route (one controller may serve routes of two tags), never
    // from a class name, so moving a route between controllers leaves the document as it was.
    { autoTagControllers: false },
  );
}
