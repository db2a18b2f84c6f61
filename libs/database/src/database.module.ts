import { Global, Module } from '@nestjs/common';
import { PrismaService } from './prisma.service';
import { OperationsRepository } from './repositories/operations.repository';
import { SessionRepository } from './repositories/session.repository';
import { UnitOfWork } from './unit-of-work';

@Global()
@Module({
  providers: [PrismaService, UnitOfWork, SessionRepository, OperationsRepository],
  exports: [PrismaService, UnitOfWork, SessionRepository, OperationsRepository],
})
export class DatabaseModule {}
