import { AccountSnapshot, CloudEvent } from '@app/contracts';
import { EventContext, OnEvent } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { ReceiveAccountSnapshotUsecase } from './receive-account-snapshot.usecase';

/** Lives with the cases (not the accounts) because a snapshot may decide orders awaiting it. */
@Controller()
export class AccountSnapshotHandler {
  constructor(private readonly receiveSnapshot: ReceiveAccountSnapshotUsecase) {}

  @OnEvent(AccountSnapshot)
  async handle(
    @Payload() event: CloudEvent<AccountSnapshot>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.receiveSnapshot.execute(event.data, ctx.tx);
  }
}
