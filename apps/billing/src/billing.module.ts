import { ConsumerGroups } from '@app/contracts';
import { MessagingModule } from '@app/messaging';
import {
  AuthModule,
  HealthModule,
  PersonalDataModule,
  loggingModule,
  messagingOptionsFrom,
} from '@app/platform';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BillingEnvironment } from './billing.config';
import { billingDataSourceOptions } from './data-source';
import { FeesModule } from './fees/fees.module';
import { FulfilmentModule } from './fulfilment/fulfilment.module';
import { OrderTrackingModule } from './order-tracking/order-tracking.module';
import { OrdersModule } from './orders/orders.module';
import { PaymentsModule } from './payments/payments.module';
import { upstreamSignatureCheck } from './payments/upstream-signature';
import { QuotesModule } from './quotes/quotes.module';
import { RefundsModule } from './refunds/refunds.module';

/** The validated environment, injectable by every feature (TTLs, deadlines, secrets). */
@Global()
@Module({})
class BillingConfigModule {
  static register(env: BillingEnvironment): DynamicModule {
    return {
      module: BillingConfigModule,
      providers: [{ provide: BillingEnvironment, useValue: env }],
      exports: [BillingEnvironment],
    };
  }
}

@Module({})
export class BillingModule {
  static register(env: BillingEnvironment): DynamicModule {
    return {
      module: BillingModule,
      imports: [
        BillingConfigModule.register(env),
        loggingModule('billing', env.LOG_LEVEL),
        TypeOrmModule.forRoot(billingDataSourceOptions(env)),
        AuthModule.register(env.API_TOKENS),
        PersonalDataModule.register(env.PII_ENCRYPTION_KEY, env.PII_ENCRYPTION_RETIRED_KEYS),
        HealthModule,
        MessagingModule.forRootAsync({
          useFactory: () =>
            messagingOptionsFrom(
              env,
              { name: 'billing', group: ConsumerGroups.Billing },
              {
                authenticate: upstreamSignatureCheck(
                  env.UPSTREAM_SIGNING_SECRET,
                  env.UPSTREAM_SIGNATURE_TOLERANCE_SECONDS,
                ),
              },
            ),
        }),
        FeesModule,
        QuotesModule,
        OrdersModule,
        PaymentsModule,
        RefundsModule,
        FulfilmentModule,
        OrderTrackingModule,
      ],
    };
  }
}
