import { Module } from '@nestjs/common';
import { RosterModule } from '../roster/roster.module';
import { TimelineModule } from '../timeline/timeline.module';
import { DeliverEmailsUsecase } from './deliver-emails.usecase';
import { EmailDispatcher } from './email.dispatcher';
import { EmailsPort } from './emails.port';
import { NotificationRepository } from './notification.repository';
import { QueueStageEmailsUsecase } from './queue-stage-emails.usecase';
import { RecordSentEmailUsecase } from './record-sent-email.usecase';
import { SendingLedger } from './sending-ledger';
import { SmtpMailer } from './smtp.mailer';

/** One email per stage per order, queued with the event's transaction and sent over SMTP. */
@Module({
  imports: [RosterModule, TimelineModule],
  providers: [
    NotificationRepository,
    EmailsPort,
    QueueStageEmailsUsecase,
    DeliverEmailsUsecase,
    RecordSentEmailUsecase,
    SendingLedger,
    SmtpMailer,
    EmailDispatcher,
  ],
  exports: [EmailsPort, QueueStageEmailsUsecase],
})
export class EmailsModule {}
