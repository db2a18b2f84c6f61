import { Module } from '@nestjs/common';
import { ConnectionSetupService } from './connection-setup.service';
import { ConnectionVerifierService } from './connection-verifier.service';
import { ConnectionsController } from './connections.controller';
import { ConnectionsService } from './connections.service';

// StsGateway and IamGateway come from the api's global AwsModule (one keep-alive pool for the process).
@Module({
  controllers: [ConnectionsController],
  providers: [ConnectionsService, ConnectionSetupService, ConnectionVerifierService],
  exports: [ConnectionsService],
})
export class ConnectionsModule {}
