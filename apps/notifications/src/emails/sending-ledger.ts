import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { NotificationEntity } from './notification.entity';
import { EmailClaim } from './notification.repository';

/** An email the SMTP server accepted, with the claim it was sent under. */
export interface SentEmail {
  notification: NotificationEntity;
  claim: EmailClaim;
  messageId: string;
}

/**
 * What this process holds of the email queue: its owner name (on every claim it takes), the
 * messages it is sending, and those it sent but could not yet record as sent (the database was
 * unavailable). Their leases are renewed while they are held here, and the unrecorded ones are
 * recorded as soon as the database answers again, so that no other sender takes them over.
 */
@Injectable()
export class SendingLedger {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly sending = new Set<string>();
  private readonly unrecorded = new Map<string, SentEmail>();

  startSending(notification: NotificationEntity): EmailClaim {
    this.sending.add(notification.id);
    return { id: notification.id, owner: this.owner, claimedAt: notification.claimedAt! };
  }

  doneSending(id: string): void {
    this.sending.delete(id);
  }

  keepUnrecorded(email: SentEmail): void {
    this.unrecorded.set(email.notification.id, email);
  }

  recorded(id: string): void {
    this.unrecorded.delete(id);
  }

  unrecordedEmails(): SentEmail[] {
    return [...this.unrecorded.values()];
  }

  unrecordedIds(): string[] {
    return [...this.unrecorded.keys()];
  }

  /** Messages whose lease this process must keep alive. */
  heldIds(): string[] {
    return [...new Set([...this.sending, ...this.unrecorded.keys()])];
  }
}
