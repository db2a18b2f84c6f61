import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import { AwsClientsFactory, type AwsClientOptions } from './aws-clients.factory';
import { ConsoleLinkMinter } from './console-link.minter';
import { IamGateway } from './iam.gateway';
import { SessionIssuer } from './session-issuer';
import { StsGateway } from './sts.gateway';
import { WEB_IDENTITY_TOKEN_SOURCE, type WebIdentityTokenSource } from './web-identity';

/** Closes the pooled sockets when the application shuts down. */
class AwsClientsLifecycle implements OnApplicationShutdown {
  constructor(private readonly clients: AwsClientsFactory) {}
  onApplicationShutdown(): void {
    this.clients.destroy();
  }
}

/**
 * The AWS gateways as Nest providers. The classes themselves need no Nest, so scripts and the benchmark
 * can build them directly: `new StsGateway(new AwsClientsFactory({ maxAttempts: 1 }))`.
 */
@Module({})
export class AwsModule {
  static forRoot(options: AwsClientOptions = {}): DynamicModule {
    return {
      module: AwsModule,
      providers: [
        // Production refuses endpoint overrides where they would be used (the config module is global).
        {
          provide: AwsClientsFactory,
          useFactory: (config: AppConfig) =>
            new AwsClientsFactory({ refuseEndpointOverride: config.isProduction, ...options }),
          inject: [AppConfig],
        },
        {
          provide: AwsClientsLifecycle,
          useFactory: (c: AwsClientsFactory) => new AwsClientsLifecycle(c),
          inject: [AwsClientsFactory],
        },
        { provide: StsGateway, useFactory: (c: AwsClientsFactory) => new StsGateway(c), inject: [AwsClientsFactory] },
        // The token source comes from the (global) OidcModule when the process has one.
        {
          provide: SessionIssuer,
          useFactory: (s: StsGateway, t?: WebIdentityTokenSource) => new SessionIssuer(s, t ?? null),
          inject: [StsGateway, { token: WEB_IDENTITY_TOKEN_SOURCE, optional: true }],
        },
        {
          provide: IamGateway,
          useFactory: (c: AwsClientsFactory, s: StsGateway, t?: WebIdentityTokenSource) =>
            new IamGateway(c, s, { webIdentityTokens: t ?? null }),
          inject: [AwsClientsFactory, StsGateway, { token: WEB_IDENTITY_TOKEN_SOURCE, optional: true }],
        },
        {
          provide: ConsoleLinkMinter,
          useFactory: (config: AppConfig) => new ConsoleLinkMinter({ refuseEndpointOverride: config.isProduction }),
          inject: [AppConfig],
        },
      ],
      exports: [AwsClientsFactory, StsGateway, SessionIssuer, IamGateway, ConsoleLinkMinter],
    };
  }
}
