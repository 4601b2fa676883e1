import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { EMAIL_CLAIM_BATCH, NotificationsEnvironment } from '../notifications.config';
import { NotificationEntity } from './notification.entity';
import { EmailClaim, QueueClaim } from './notification.repository';

/** An email the SMTP server accepted, with the claim it was sent under. */
export interface SentEmail {
  notification: NotificationEntity;
  claim: EmailClaim;
  messageId: string;
}

/**
 * What this process holds of the email queue: its owner name (on every claim it takes), the
 * messages claimed by the transactions that queued them and handed over at their commit, those it
 * is sending, and those it sent but could not yet record as sent (the database was unavailable).
 * Their leases are renewed while they are held here, and the unrecorded ones are recorded as soon
 * as the database answers again, so that no other sender takes them over.
 */
@Injectable()
export class SendingLedger {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly handedOver = new Map<string, NotificationEntity>();
  private readonly sending = new Set<string>();
  private readonly unrecorded = new Map<string, SentEmail>();
  /** The batch being sent, told of each hand-over so that it takes the messages in (execute). */
  private handOverListener?: () => void;

  constructor(private readonly env: NotificationsEnvironment) {}

  /**
   * The claim a transaction that queues emails takes on those due at once, so that they are sent
   * at its commit without a claim of their own; none while this process already holds a claim
   * batch's worth waiting or being sent (they stay PENDING for whichever sender is free). A crash
   * between that commit and the send leaves them to another sender when their lease ends, as any
   * claimed message.
   */
  claimOnQueue(now: Date): QueueClaim | undefined {
    const room = EMAIL_CLAIM_BATCH - this.handedOver.size - this.sending.size;
    if (room <= 0) return undefined;
    return {
      owner: this.owner,
      claimedAt: now,
      leaseUntil: new Date(now.getTime() + this.env.EMAIL_CLAIM_TIMEOUT_MS),
      limit: room,
    };
  }

  /** Messages claimed when queued, their transaction committed: this process sends them next. */
  handOver(claimed: NotificationEntity[]): void {
    for (const notification of claimed) this.handedOver.set(notification.id, notification);
    if (claimed.length > 0) this.handOverListener?.();
  }

  /** Tells `listener` of every hand-over from now on (undefined: no longer). */
  onHandOver(listener: (() => void) | undefined): void {
    this.handOverListener = listener;
  }

  hasHandedOver(): boolean {
    return this.handedOver.size > 0;
  }

  /** The messages handed over and not yet taken to be sent, oldest first; at most `limit`. */
  takeHandedOver(limit = EMAIL_CLAIM_BATCH): NotificationEntity[] {
    const taken = [...this.handedOver.values()].slice(0, limit);
    for (const notification of taken) this.handedOver.delete(notification.id);
    return taken;
  }

  startSending(notification: NotificationEntity): EmailClaim {
    this.sending.add(notification.id);
    return this.claimOf(notification);
  }

  /** This process's claim of a message it claimed. */
  claimOf(notification: NotificationEntity): EmailClaim {
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
    return [...new Set([...this.handedOver.keys(), ...this.sending, ...this.unrecorded.keys()])];
  }
}
