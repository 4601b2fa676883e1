import { UnitOfWork } from '@app/messaging';
import { Sweeper } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotificationsEnvironment } from '../notifications.config';
import { TimelinePort } from '../timeline/timeline.port';
import { RaiseStallUsecase } from './raise-stall.usecase';

const BATCH = 100;

/** Periodically escalates sagas that have waited at a stage longer than it allows. */
@Injectable()
export class StallSweeper extends Sweeper {
  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly timeline: TimelinePort,
    private readonly raiseStall: RaiseStallUsecase,
    env: NotificationsEnvironment,
  ) {
    super(StallSweeper.name, env.STALL_SWEEP_MS);
  }

  protected async sweep(): Promise<void> {
    for (;;) {
      const overdue = await this.timeline.overdueSagas(this.dataSource.manager, new Date(), BATCH);
      for (const saga of overdue) {
        if (this.stopping) return;
        await this.uow.run({ correlationId: saga.orderId }, (tx) =>
          this.raiseStall.execute({ orderId: saga.orderId }, tx),
        );
      }
      if (overdue.length < BATCH) return;
    }
  }
}
