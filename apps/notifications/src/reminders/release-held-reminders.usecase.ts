import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EmailStages } from '../emails/email.templates';
import { EmailsPort } from '../emails/emails.port';

/** Orders now known: reminders held for them are scheduled if they bought them, dropped if not. */
@Injectable()
export class ReleaseHeldRemindersUsecase {
  constructor(private readonly emails: EmailsPort) {}

  async execute(
    orders: { orderId: string; boughtReminders: boolean }[],
    scope: { manager: EntityManager },
  ): Promise<void> {
    await this.emails.releaseHeld(
      scope.manager,
      EmailStages.RenewalReminder,
      orders.map((o) => ({ orderId: o.orderId, send: o.boughtReminders })),
    );
  }
}
