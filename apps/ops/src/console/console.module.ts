import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { OpsKafka } from '../kafka/ops-kafka';
import { AssetsController } from './assets.controller';
import { ConsoleSettings } from './console.settings';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { RedriveJobs } from './dead-letters/redrive-jobs';
import { ReviewsController } from './reviews/reviews.controller';
import { SagasController } from './sagas/sagas.controller';
import { SessionGuard } from './session/session.guard';
import { SessionStore } from './session/session.store';
import { SignInController } from './session/sign-in.controller';

/** The support and ops console: sign-in, sagas, reviews, dead letters and lag. */
@Module({})
export class ConsoleModule {
  static register(settings: ConsoleSettings, kafka: OpsKafka): DynamicModule {
    return {
      module: ConsoleModule,
      controllers: [
        AssetsController,
        SignInController,
        SagasController,
        ReviewsController,
        DeadLettersController,
      ],
      providers: [
        { provide: ConsoleSettings, useValue: settings },
        { provide: OpsKafka, useValue: kafka },
        SessionStore,
        { provide: RedriveJobs, useValue: new RedriveJobs() },
        { provide: APP_GUARD, useClass: SessionGuard },
      ],
    };
  }
}
