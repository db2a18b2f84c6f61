import { Global, Module } from '@nestjs/common';
import { DatabaseClock } from './database-clock';
import { PrismaService } from './prisma.service';
import { LabSessionRepository } from './repositories/lab-session.repository';
import { LabRepository } from './repositories/lab.repository';
import { MailDeliveryRepository } from './repositories/mail-delivery.repository';
import { RevocationEntryRepository } from './repositories/revocation-entry.repository';
import { UnitOfWork } from './unit-of-work';

const REPOSITORIES = [LabRepository, LabSessionRepository, RevocationEntryRepository, MailDeliveryRepository];

@Global()
@Module({
  providers: [PrismaService, UnitOfWork, DatabaseClock, ...REPOSITORIES],
  exports: [PrismaService, UnitOfWork, DatabaseClock, ...REPOSITORIES],
})
export class DatabaseModule {}
