import { Global, Module } from '@nestjs/common';
import { PrismaService } from './prisma.service';
import { SessionRepository } from './repositories/session.repository';

@Global()
@Module({
  providers: [PrismaService, SessionRepository],
  exports: [PrismaService, SessionRepository],
})
export class DatabaseModule {}
