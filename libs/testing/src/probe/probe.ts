/**
 * The probe: a minimal service on the messaging runtime, used to test the runtime itself (and
 * to measure it) in real processes against the real broker and database. It handles OrderPaid by
 * recording an effect row (no unique constraint: a duplicate handling would show) and publishing
 * EligibilityRejected; `POST /probe/emit` publishes OrderPaid events through the outbox.
 *
 * Behaviour by orderId prefix: `flaky-` fails transiently twice per event then succeeds,
 * `poison-` fails permanently. PROBE_HANDLER_DELAY_MS slows every handling down. PROBE_BATCH
 * swaps the per-event handlers (`@OnEvent`) for batch handlers (`@OnEvents`) doing the same work
 * set-based.
 */
import 'reflect-metadata';
import {
  CloudEvent,
  EligibilityRejected,
  OrderPaid,
  producerSourceOf,
  Topics,
} from '@app/contracts';
import {
  CodedError,
  EventBatch,
  EventContext,
  MessagingModule,
  OnEvent,
  OnEvents,
  TransientError,
  UnitOfWork,
} from '@app/messaging';
import {
  AuthModule,
  bootstrapService,
  databaseOptions,
  EnvNumber,
  HealthModule,
  loadConfig,
  loggingModule,
  messagingOptionsFrom,
  Public,
  ServiceEnvironment,
} from '@app/platform';
import { Body, Controller, DynamicModule, Module, Post, Type } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { sealedCustomer } from '../personal-data';

class ProbeEnvironment extends ServiceEnvironment {
  @IsString() PROBE_GROUP = 'probe';

  /** A producer only emits; a consumer only handles. */
  @IsIn(['producer', 'consumer']) PROBE_ROLE: 'producer' | 'consumer' = 'consumer';

  @EnvNumber()
  @IsInt()
  @Min(0)
  PROBE_HANDLER_DELAY_MS = 0;

  /** The second OrderPaid handler (tests of handler chains); the benchmark turns it off. */
  @Transform(({ value }) =>
    value === undefined ? undefined : value === true || value === 'true' || value === '1',
  )
  @IsBoolean()
  PROBE_AUDIT = true;

  /** Batch handlers (`@OnEvents`) instead of per-event ones. */
  @Transform(({ value }) =>
    value === undefined ? undefined : value === true || value === 'true' || value === '1',
  )
  @IsBoolean()
  PROBE_BATCH = false;
}

class ProbeError extends CodedError {
  readonly code = 'PROBE_POISON';
}

class ProbeEffects1763900000001 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE probe_effects (
      id bigserial PRIMARY KEY, order_id text NOT NULL, event_id text NOT NULL,
      handled_at timestamptz NOT NULL DEFAULT now())`);
    // Not unique on purpose (a duplicate handling must show), but indexed for the auditor.
    await runner.query('CREATE INDEX probe_effects_event ON probe_effects (event_id)');
    await runner.query(`CREATE TABLE probe_audit (
      id bigserial PRIMARY KEY, event_id text NOT NULL, effects_seen int NOT NULL)`);
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE probe_audit');
    await runner.query('DROP TABLE probe_effects');
  }
}

class EmitRequest {
  @IsInt() @Min(1) @Max(100_000) count!: number;
  @Matches(/^[a-z]*-?$/) orderPrefix = '';
  @IsInt() @Min(1) @Max(10_000) perTransaction = 500;
}

const attempts = new Map<string, number>();

/** What the orderId prefix asks of the handler: fail for good, or fail transiently twice. */
async function misbehave(event: CloudEvent<OrderPaid>, delayMs: number): Promise<void> {
  const { orderId } = event.data;
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  if (orderId.startsWith('poison-')) throw new ProbeError(`order ${orderId} is poison`);
  if (orderId.startsWith('flaky-')) {
    const seen = (attempts.get(event.id) ?? 0) + 1;
    attempts.set(event.id, seen);
    if (seen <= 2) throw new TransientError(`flaky attempt ${seen}`);
  }
}

@Controller()
class ProbeHandler {
  constructor(private readonly env: ProbeEnvironment) {}

  @OnEvent(OrderPaid)
  async handle(@Payload() event: CloudEvent<OrderPaid>, @Ctx() ctx: EventContext): Promise<void> {
    const { orderId, accountId } = event.data;
    await misbehave(event, this.env.PROBE_HANDLER_DELAY_MS);
    await ctx.tx.manager.query('INSERT INTO probe_effects (order_id, event_id) VALUES ($1, $2)', [
      orderId,
      event.id,
    ]);
    ctx.tx.publish(EligibilityRejected, {
      orderId,
      accountId,
      reasons: ['ACCOUNT_NOT_FOUND'],
      rejectedAt: ctx.tx.now.toISOString(),
    });
  }
}

/** A second handler of the same event: runs after the first, in the same transaction. */
@Controller()
class ProbeAuditor {
  @OnEvent(OrderPaid)
  async handle(@Payload() event: CloudEvent<OrderPaid>, @Ctx() ctx: EventContext): Promise<void> {
    const [{ seen }] = await ctx.tx.manager.query<{ seen: number }[]>(
      'SELECT count(*)::int AS seen FROM probe_effects WHERE event_id = $1',
      [event.id],
    );
    await ctx.tx.manager.query('INSERT INTO probe_audit (event_id, effects_seen) VALUES ($1, $2)', [
      event.id,
      seen,
    ]);
  }
}

/** The same work as ProbeHandler, for a batch: one insert for all effects. */
@Controller()
class ProbeBatchHandler {
  constructor(private readonly env: ProbeEnvironment) {}

  @OnEvents(OrderPaid)
  async handle(@Payload() batch: EventBatch<OrderPaid>): Promise<void> {
    for (const { event } of batch.items) await misbehave(event, this.env.PROBE_HANDLER_DELAY_MS);
    await batch.manager.query(
      'INSERT INTO probe_effects (order_id, event_id) SELECT * FROM unnest($1::text[], $2::text[])',
      [batch.items.map((i) => i.event.data.orderId), batch.items.map((i) => i.event.id)],
    );
    for (const { event, tx } of batch.items) {
      tx.publish(EligibilityRejected, {
        orderId: event.data.orderId,
        accountId: event.data.accountId,
        reasons: ['ACCOUNT_NOT_FOUND'],
        rejectedAt: batch.now.toISOString(),
      });
    }
  }
}

/** ProbeAuditor for batches: runs after ProbeBatchHandler, in the same transaction. */
@Controller()
class ProbeBatchAuditor {
  @OnEvents(OrderPaid)
  async handle(@Payload() batch: EventBatch<OrderPaid>): Promise<void> {
    await batch.manager.query(
      `INSERT INTO probe_audit (event_id, effects_seen)
       SELECT e.id, (SELECT count(*) FROM probe_effects p WHERE p.event_id = e.id)
         FROM unnest($1::text[]) AS e(id)`,
      [batch.items.map((i) => i.event.id)],
    );
  }
}

@Controller()
class ProbeEmitter {
  constructor(private readonly uow: UnitOfWork) {}

  /** Publishes `count` OrderPaid events through the outbox, `perTransaction` per transaction. */
  @Public()
  @Post('probe/emit')
  async emit(@Body() request: EmitRequest): Promise<{ orderIds: string[] }> {
    const orderIds: string[] = [];
    for (let done = 0; done < request.count; done += request.perTransaction) {
      const size = Math.min(request.perTransaction, request.count - done);
      await this.uow.run({ correlationId: 'probe' }, async (tx) => {
        for (let i = 0; i < size; i++) {
          const orderId = `${request.orderPrefix}${randomUUID()}`;
          orderIds.push(orderId);
          tx.publish(OrderPaid, probeOrderPaid(orderId, `acct-${(done + i) % 64}`, tx.now), {
            correlationId: orderId,
          });
        }
      });
    }
    return { orderIds };
  }
}

/** The probe's one customer, sealed once (each order carries the same sealed value). */
const PROBE_CUSTOMER = sealedCustomer({ name: 'Probe Customer', email: 'probe@example.test' });

export function probeOrderPaid(orderId: string, accountId: string, now: Date): OrderPaid {
  return {
    orderId,
    accountId,
    paymentId: `pay-${orderId}`.slice(0, 64),
    region: 'EU',
    licenseIds: ['lic-1'],
    amount: { amountMinor: 4900, currency: 'EUR' },
    addOns: [],
    customer: PROBE_CUSTOMER,
    paidAt: now.toISOString(),
  };
}

function probeControllers(env: ProbeEnvironment): Type[] {
  if (env.PROBE_ROLE === 'producer') return [ProbeEmitter];
  const [handler, auditor] = env.PROBE_BATCH
    ? [ProbeBatchHandler, ProbeBatchAuditor]
    : [ProbeHandler, ProbeAuditor];
  return env.PROBE_AUDIT ? [handler, auditor] : [handler];
}

@Module({})
class ProbeModule {
  static register(env: ProbeEnvironment): DynamicModule {
    return {
      module: ProbeModule,
      imports: [
        loggingModule('probe', env.LOG_LEVEL),
        TypeOrmModule.forRoot(
          databaseOptions({
            url: env.DATABASE_URL,
            service: 'probe',
            entities: [],
            migrations: [ProbeEffects1763900000001],
          }),
        ),
        AuthModule.register(env.API_TOKENS),
        HealthModule,
        MessagingModule.forRootAsync({
          // The producer publishes OrderPaid, so it speaks as that topic's one producer.
          useFactory: () =>
            messagingOptionsFrom(
              env,
              { name: 'probe', group: env.PROBE_GROUP },
              env.PROBE_ROLE === 'producer'
                ? { source: producerSourceOf(Topics.ReactivationBilling) }
                : {},
            ),
        }),
      ],
      controllers: probeControllers(env),
      providers: [{ provide: ProbeEnvironment, useValue: env }],
    };
  }
}

if (require.main === module) {
  const env = loadConfig(ProbeEnvironment, {
    HTTP_PORT: '3999',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/probe',
  });
  bootstrapService(ProbeModule.register(env), env).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
