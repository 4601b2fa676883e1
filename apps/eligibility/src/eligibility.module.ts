import { ConsumerGroups } from '@app/contracts';
import { MessagingModule } from '@app/messaging';
import { AuthModule, HealthModule, loggingModule, messagingOptionsFrom } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { eligibilityDataSourceOptions } from './data-source';
import { AccountsModule } from './accounts/accounts.module';
import { CasesModule } from './cases/cases.module';
import { EligibilityConfigModule, EligibilityEnvironment } from './eligibility.config';

@Module({})
export class EligibilityModule {
  static register(env: EligibilityEnvironment): DynamicModule {
    return {
      module: EligibilityModule,
      imports: [
        EligibilityConfigModule.register(env),
        loggingModule('eligibility', env.LOG_LEVEL),
        TypeOrmModule.forRoot(eligibilityDataSourceOptions(env)),
        AuthModule.register(env.API_TOKENS),
        HealthModule,
        MessagingModule.forRootAsync({
          useFactory: () =>
            messagingOptionsFrom(env, { name: 'eligibility', group: ConsumerGroups.Eligibility }),
        }),
        AccountsModule,
        // Reviews come with their owner: CasesModule registers ReviewsModule.
        CasesModule,
      ],
    };
  }
}
