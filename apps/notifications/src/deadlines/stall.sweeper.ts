import { UnitOfWork } from '@app/messaging';
import { PeriodicTask } from '@app/platform';
import { Injectable, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotificationsEnvironment } from '../notifications.config';
import { TimelineRepository } from '../timeline/timeline.repository';
import { RaiseStallUsecase } from './raise-stall.usecase';

const BATCH = 100;

/** Periodically escalates sagas that have waited at a stage longer than it allows. */
@Injectable()
export class StallSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly timeline: TimelineRepository,
    private readonly raiseStall: RaiseStallUsecase,
    env: NotificationsEnvironment,
  ) {
    this.task = new PeriodicTask(StallSweeper.name, env.STALL_SWEEP_MS, () => this.sweep());
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  private async sweep(): Promise<void> {
    for (;;) {
      const overdue = await this.timeline.overdue(this.dataSource.manager, new Date(), BATCH);
      for (const saga of overdue) {
        if (this.task.stopping) return;
        await this.uow.run({ correlationId: saga.orderId }, (tx) =>
          this.raiseStall.execute({ orderId: saga.orderId }, tx),
        );
      }
      if (overdue.length < BATCH) return;
    }
  }
}
