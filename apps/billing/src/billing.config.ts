import { SIGNATURE_TOLERANCE_SECONDS } from '@app/contracts';
import { EnvNumber, loadConfig, Secret, ServiceEnvironment } from '@app/platform';
import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';

/** Billing's environment, validated at boot. */
export class BillingEnvironment extends ServiceEnvironment {
  /** How long a quote's price stays locked for placing an order. */
  @EnvNumber()
  @IsInt()
  @Min(10)
  @Max(7 * 24 * 3600)
  QUOTE_TTL_SECONDS = 900;

  /** How long an order waits for its payment before it expires. */
  @EnvNumber()
  @IsInt()
  @Min(10)
  @Max(30 * 24 * 3600)
  PAYMENT_DEADLINE_SECONDS = 86_400;

  /** How often unpaid orders past their deadline are marked EXPIRED. */
  @EnvNumber()
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  ORDER_EXPIRY_SWEEP_MS = 30_000;

  /**
   * How long ops have to act on a saga that needs manual handling (a refund settled with another
   * amount) before it is escalated as stalled to ops and the support contact.
   */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(30 * 24 * 3600)
  MANUAL_HANDLING_DEADLINE_SECONDS = 2 * 86_400;

  /**
   * How far an upstream signature's time may be from the broker's append time of its record, either
   * way (a redriven record's is its original's). Upstream signs for 5 minutes; tests shorten it.
   */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(3600)
  UPSTREAM_SIGNATURE_TOLERANCE_SECONDS = SIGNATURE_TOLERANCE_SECONDS;

  /** Shared secret of the upstream billing system's x-signature (HMAC-SHA256). */
  @Secret('dev-upstream-secret')
  @IsString()
  @MinLength(8)
  UPSTREAM_SIGNING_SECRET!: string;
}

export function loadBillingConfig(env: NodeJS.ProcessEnv = process.env): BillingEnvironment {
  return loadConfig(
    BillingEnvironment,
    {
      HTTP_PORT: '3001',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/reactivation_billing',
    },
    env,
  );
}
