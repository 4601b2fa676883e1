import { ConsumerGroups } from '@app/contracts';
import { MessagingModule } from '@app/messaging';
import {
  AuthModule,
  HealthModule,
  PersonalDataModule,
  loggingModule,
  messagingOptionsFrom,
} from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { notificationsDataSourceOptions } from './data-source';
import { DeadlinesModule } from './deadlines/deadlines.module';
import { EmailsModule } from './emails/emails.module';
import { NotificationsMetricsModule } from './notifications-metrics.module';
import { NotificationsConfigModule, NotificationsEnvironment } from './notifications.config';
import { RemindersModule } from './reminders/reminders.module';
import { RosterModule } from './roster/roster.module';
import { ReactivationsModule } from './reactivations/reactivations.module';
import { SagaModule } from './saga/saga.module';
import { SagaBoardModule } from './saga-board/saga-board.module';

@Module({})
export class NotificationsModule {
  static register(env: NotificationsEnvironment): DynamicModule {
    return {
      module: NotificationsModule,
      imports: [
        NotificationsConfigModule.register(env),
        loggingModule('notifications', env.LOG_LEVEL),
        TypeOrmModule.forRoot(notificationsDataSourceOptions(env)),
        AuthModule.register(env.API_TOKENS),
        HealthModule,
        MessagingModule.forRootAsync({
          useFactory: () =>
            messagingOptionsFrom(
              env,
              { name: 'notifications', group: ConsumerGroups.Notifications },
              // One transaction at a time, whatever MESSAGING_CONCURRENCY says: an order's events
              // come on three topics, each run's pipeline locking its orders' summaries in its own
              // statement, and two transactions side by side locked them in opposite orders
              // (deadlocks, docs/performance.md, session 5).
              { transactionsAtOnce: 1 },
            ),
        }),
        NotificationsMetricsModule,
        PersonalDataModule.register(env.PII_ENCRYPTION_KEY, env.PII_ENCRYPTION_RETIRED_KEYS),
        SagaModule,
        ReactivationsModule,
        RosterModule,
        EmailsModule,
        RemindersModule,
        DeadlinesModule,
        SagaBoardModule,
      ],
    };
  }
}
