import { Global, Module } from '@nestjs/common';
import { DatabaseHealth } from './database-health';
import { PrismaService } from './prisma.service';
import { SessionRepository } from './repositories/session.repository';
import { UnitOfWork } from './unit-of-work';

@Global()
@Module({
  providers: [PrismaService, UnitOfWork, SessionRepository, DatabaseHealth],
  exports: [PrismaService, UnitOfWork, SessionRepository, DatabaseHealth],
})
export class DatabaseModule {}
