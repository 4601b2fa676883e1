import { KafkaEventServer, MessagingMetrics } from '@app/messaging';
import { Controller, Get, Header, Res, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { Public, Roles } from '../auth/auth.guard';
import { countStatements } from '../statement-counter';

const processMetrics = new Registry();
// The event loop's lag is sampled every 100 ms, not every 10 (prom-client's default): a 10 ms
// sampling timer wakes an idle service 100 times a second, 5.5 ms of CPU a second per process
// (docs/performance.md, session 11); 10 samples a second still give each scrape its percentiles.
collectDefaultMetrics({ register: processMetrics, eventLoopMonitoringPrecision: 100 });
countStatements(processMetrics);

/** A readiness bound from the environment: a whole number ≥ 1, read once at boot. */
function readinessBoundFrom(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  unit: string,
): number {
  const raw = env[name] ?? String(fallback);
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a whole number of ${unit} ≥ 1, got "${raw}"`);
  }
  return value;
}

/** Readiness fails when a partition is further behind than this (records; env READY_MAX_LAG). */
export function readyMaxLagFrom(env: NodeJS.ProcessEnv): number {
  return readinessBoundFrom(env, 'READY_MAX_LAG', 10_000, 'records');
}

/**
 * Readiness fails when the oldest unpublished outbox row is older than this (seconds; env
 * READY_MAX_OUTBOX_AGE_S): the relay cannot publish (broker lost, refused).
 */
export function readyMaxOutboxAgeFrom(env: NodeJS.ProcessEnv): number {
  return readinessBoundFrom(env, 'READY_MAX_OUTBOX_AGE_S', 15, 'seconds');
}

/** The part of express' response a failed check needs. */
interface StatusResponse {
  status(code: number): unknown;
}

/**
 * A failed check answers 503 with terminus' report (`{status, info, error, details}`), which
 * orchestrators and ops read, rather than the API's error body: it is a report, not an error.
 */
async function report(
  check: Promise<HealthCheckResult>,
  response: StatusResponse,
): Promise<HealthCheckResult> {
  try {
    return await check;
  } catch (error) {
    if (!(error instanceof ServiceUnavailableException)) throw error;
    response.status(503);
    return error.getResponse() as HealthCheckResult;
  }
}

/** Health is public (orchestrators probe it); metrics need the ops role or a metrics token. */
@Controller()
export class HealthController {
  // Read when the module is built, so a bad value stops the service at boot.
  private readonly maxLag = readyMaxLagFrom(process.env);
  private readonly maxOutboxAgeS = readyMaxOutboxAgeFrom(process.env);

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly server: KafkaEventServer,
    private readonly metrics: MessagingMetrics,
    private readonly dataSource: DataSource,
  ) {}

  /** The process is alive (no dependency checked: a restart would not fix a dependency). */
  @Get('health/live')
  @Public()
  @HealthCheck()
  live(@Res({ passthrough: true }) response: StatusResponse) {
    return report(this.health.check([]), response);
  }

  /**
   * Ready to do work: the database answers; the consumer is in its group and hears from the
   * broker; it is not too far behind; and what the service published leaves its outbox (the
   * relay reaches the broker).
   */
  @Get('health/ready')
  @Public()
  @HealthCheck()
  ready(@Res({ passthrough: true }) response: StatusResponse) {
    return report(
      this.health.check([
        () => this.database.pingCheck('database', { timeout: 1500 }),
        () => {
          const kafka = this.indicators.check('kafka');
          const { ready, reason } = this.server.readiness();
          return ready ? kafka.up() : kafka.down({ reason });
        },
        async () => {
          const outbox = this.indicators.check('outbox');
          // A database that does not answer is a down check here too, never a 500.
          const rows = await this.dataSource
            .query<{ age: number }[]>(
              `SELECT extract(epoch FROM now() - created_at)::float8 AS age
                 FROM outbox_messages ORDER BY id LIMIT 1`,
            )
            .catch(() => undefined);
          if (!rows) return outbox.down({ reason: 'outbox not readable' });
          const age = Math.max(0, rows[0]?.age ?? 0);
          return age <= this.maxOutboxAgeS
            ? outbox.up({ oldestAgeS: Math.round(age), bound: this.maxOutboxAgeS })
            : outbox.down({
                reason: `unpublished outbox rows older than ${this.maxOutboxAgeS} s`,
                oldestAgeS: Math.round(age),
              });
        },
        async () => {
          const lag = this.indicators.check('lag');
          const { values } = await this.metrics.consumerLag.get();
          const behind = values
            .filter((v) => v.value > this.maxLag)
            .map((v) => ({ topic: v.labels.topic, partition: v.labels.partition, lag: v.value }));
          const max = values.reduce((m, v) => Math.max(m, v.value), 0);
          return behind.length === 0
            ? lag.up({ max, bound: this.maxLag })
            : lag.down({ reason: `consumer lag above ${this.maxLag}`, bound: this.maxLag, behind });
        },
      ]),
      response,
    );
  }

  @Get('metrics')
  @Roles('metrics')
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  async scrape(): Promise<string> {
    return Registry.merge([processMetrics, this.metrics.registry]).metrics();
  }
}
