import { AccountSnapshot } from '@app/contracts';
import { EventBatch, OnEvents } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ReceiveAccountSnapshotUsecase } from './receive-account-snapshot.usecase';

/** Lives with the cases (not the accounts) because a snapshot may decide orders awaiting it. */
@Controller()
export class AccountSnapshotHandler {
  constructor(private readonly receiveSnapshot: ReceiveAccountSnapshotUsecase) {}

  /** A batch handler: a run of snapshots is applied in one statement (see the use case). */
  @OnEvents(AccountSnapshot)
  async handle(@Payload() batch: EventBatch<AccountSnapshot>): Promise<void> {
    await this.receiveSnapshot.executeAll(
      batch.items.map(({ event, tx }) => ({ command: event.data, tx })),
    );
  }
}
