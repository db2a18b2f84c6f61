import { Global, Module } from '@nestjs/common';
import { DatabaseClock } from './database-clock';
import { PrismaService } from './prisma.service';
import { LabRepository } from './repositories/lab.repository';
import { MailDeliveryRepository } from './repositories/mail-delivery.repository';
import { RevocationEntryRepository } from './repositories/revocation-entry.repository';
import { SessionRepository } from './repositories/session.repository';
import { UnitOfWork } from './unit-of-work';

const REPOSITORIES = [LabRepository, SessionRepository, RevocationEntryRepository, MailDeliveryRepository];

@Global()
@Module({
  providers: [PrismaService, UnitOfWork, DatabaseClock, ...REPOSITORIES],
  exports: [PrismaService, UnitOfWork, DatabaseClock, ...REPOSITORIES],
})
export class DatabaseModule {}
