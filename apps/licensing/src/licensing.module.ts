import { ConsumerGroups } from '@app/contracts';
import { MessagingModule } from '@app/messaging';
import { AuthModule, HealthModule, loggingModule, messagingOptionsFrom } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { licensingDataSourceOptions } from './data-source';
import { LicensingEnvironment } from './licensing.config';
import { ReactivationsModule } from './reactivations/reactivations.module';
import { RegistryModule } from './registry/registry.module';

@Module({})
export class LicensingModule {
  static register(env: LicensingEnvironment): DynamicModule {
    return {
      module: LicensingModule,
      imports: [
        loggingModule('licensing', env.LOG_LEVEL),
        TypeOrmModule.forRoot(licensingDataSourceOptions(env)),
        AuthModule.register(env.API_TOKENS),
        HealthModule,
        MessagingModule.forRootAsync({
          useFactory: () =>
            messagingOptionsFrom(env, { name: 'licensing', group: ConsumerGroups.Licensing }),
        }),
        RegistryModule,
        ReactivationsModule.register({ sweepIntervalMs: env.ACTIVATION_SWEEP_MS }),
      ],
    };
  }
}
