import { Module } from '@nestjs/common';
import { RosterModule } from '../roster/roster.module';
import { StageRecordingModule } from '../timeline/stage-recording.module';
import { DeliverEmailsUsecase } from './deliver-emails.usecase';
import { EmailDispatcher } from './email.dispatcher';
import { NotificationRepository } from './notification.repository';
import { QueueStageEmailUsecase } from './queue-stage-email.usecase';
import { RecordSentEmailUsecase } from './record-sent-email.usecase';
import { SendingLedger } from './sending-ledger';
import { SmtpMailer } from './smtp.mailer';
import { StageEmailHandler } from './stage-email.handler';

/** One email per stage per order, queued with the event's transaction and sent over SMTP. */
@Module({
  imports: [RosterModule, StageRecordingModule],
  controllers: [StageEmailHandler],
  providers: [
    NotificationRepository,
    QueueStageEmailUsecase,
    DeliverEmailsUsecase,
    RecordSentEmailUsecase,
    SendingLedger,
    SmtpMailer,
    EmailDispatcher,
  ],
  exports: [NotificationRepository],
})
export class EmailsModule {}
