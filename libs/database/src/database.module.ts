import { Global, Module } from '@nestjs/common';
import { PrismaService } from './prisma.service';
import { SessionRepository } from './repositories/session.repository';
import { UnitOfWork } from './unit-of-work';

@Global()
@Module({
  providers: [PrismaService, UnitOfWork, SessionRepository],
  exports: [PrismaService, UnitOfWork, SessionRepository],
})
export class DatabaseModule {}
