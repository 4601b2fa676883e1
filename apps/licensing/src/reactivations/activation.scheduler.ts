import { errorCodeOf, isTransient, UnitOfWork } from '@app/messaging';
import { Sweeper } from '@app/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { FailScheduledActivationUsecase } from './fail-scheduled-activation.usecase';
import { ReactivationCaseRepository } from './reactivation-case.repository';
import { RunScheduledActivationUsecase } from './run-scheduled-activation.usecase';

export const ACTIVATION_SWEEP_MS = Symbol('ACTIVATION_SWEEP_MS');
const SWEEP_BATCH = 100;

/**
 * Runs scheduled activations when their change window opens. The schedule is the SCHEDULED rows
 * themselves, so it survives restarts; each due case runs in its own transaction and is claimed
 * with a conditional update, so two instances (or a sweep racing a restart) never run it twice.
 */
@Injectable()
export class ActivationScheduler extends Sweeper {
  private readonly logger = new Logger(ActivationScheduler.name);

  constructor(
    @Inject(ACTIVATION_SWEEP_MS) intervalMs: number,
    private readonly manager: EntityManager,
    private readonly uow: UnitOfWork,
    private readonly cases: ReactivationCaseRepository,
    private readonly runScheduled: RunScheduledActivationUsecase,
    private readonly failActivation: FailScheduledActivationUsecase,
  ) {
    super(ActivationScheduler.name, intervalMs);
  }

  /** One pass over the due cases; never throws (a failed pass is retried on the next tick). */
  async sweep(): Promise<void> {
    let due: string[];
    try {
      due = await this.cases.findDue(this.manager, new Date(), SWEEP_BATCH);
    } catch (error) {
      this.logger.warn(`activation sweep could not read the schedule: ${String(error)}`);
      return;
    }
    for (const orderId of due) {
      if (this.stopping) return;
      await this.activate(orderId);
    }
  }

  private async activate(orderId: string): Promise<void> {
    try {
      const ran = await this.uow.run({ correlationId: orderId }, (tx) =>
        this.runScheduled.execute({ orderId }, tx),
      );
      if (ran) this.logger.log({ correlationId: orderId, orderId }, 'scheduled activation ran');
    } catch (error) {
      if (isTransient(error)) {
        this.logger.warn(
          { correlationId: orderId, orderId },
          `scheduled activation will be retried: ${String(error)}`,
        );
        return;
      }
      const code = errorCodeOf(error);
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.error(
        { correlationId: orderId, orderId, code },
        `scheduled activation failed permanently: ${reason}`,
      );
      // Failing the case is retried on the next sweep if it cannot be written now (it stays SCHEDULED).
      await this.uow
        .run({ correlationId: orderId }, (tx) =>
          this.failActivation.execute({ orderId, error: { code, message: reason } }, tx),
        )
        .catch((failError: unknown) =>
          this.logger.warn(
            { correlationId: orderId, orderId },
            `could not fail the activation yet: ${String(failError)}`,
          ),
        );
    }
  }
}
