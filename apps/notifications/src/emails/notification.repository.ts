import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import {
  NotificationAudience,
  NotificationEntity,
  NotificationStatus,
} from './notification.entity';

export interface NewNotification {
  orderId: string;
  accountId: string;
  stage: string;
  subjectKey?: string;
  audience: NotificationAudience;
  status?: Extract<NotificationStatus, 'PENDING' | 'HELD'>;
  content: object;
  dueAt: Date;
  createdAt: Date;
}

/** One claim of a message: its owner and when it was taken (a later claim has another time). */
export interface EmailClaim {
  id: string;
  owner: string;
  claimedAt: Date;
}

/** The email queue: one row per message, claimed by conditional updates. */
@Injectable()
export class NotificationRepository {
  /** Queues a message unless this (order, stage, subject) has one already; true when queued. */
  async queue(manager: EntityManager, n: NewNotification): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO notifications
         (id, order_id, account_id, stage, subject_key, audience, status, content,
          due_at, next_attempt_at, attempts, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $9, 0, $10)
       ON CONFLICT (order_id, stage, subject_key) DO NOTHING RETURNING id`,
      [
        randomUUID(),
        n.orderId,
        n.accountId,
        n.stage,
        n.subjectKey ?? '',
        n.audience,
        n.status ?? 'PENDING',
        JSON.stringify(n.content),
        n.dueAt,
        n.createdAt,
      ],
    );
    return rows.length > 0;
  }

  /** HELD messages of an order (queued before its order was known) become due, or are dropped. */
  async releaseHeld(
    manager: EntityManager,
    orderId: string,
    stage: string,
    send: boolean,
  ): Promise<void> {
    await manager.query(
      `UPDATE notifications SET status = $3 WHERE order_id = $1 AND stage = $2 AND status = 'HELD'`,
      [orderId, stage, send ? 'PENDING' : 'CANCELLED'],
    );
  }

  /**
   * Claims due messages for `owner` with one conditional update: PENDING and due, or SENDING with
   * a lease that ran out (its sender died without renewing it). Concurrent senders skip each
   * other's rows; `excluding` are messages this owner sent and has yet to record.
   * A customer's message waits until its order (the customer to write to) is known.
   */
  async claimDue(
    manager: EntityManager,
    claim: { owner: string; now: Date; leaseMs: number; limit: number; excluding: string[] },
  ): Promise<NotificationEntity[]> {
    const [rows]: [NotificationRow[], number] = await manager.query(
      `UPDATE notifications n
          SET status = 'SENDING', claimed_by = $2, claimed_at = $1, lease_until = $3,
              attempts = n.attempts + 1
        WHERE n.id IN (
          SELECT q.id FROM notifications q
           WHERE ((q.status = 'PENDING' AND q.next_attempt_at <= $1)
                  OR (q.status = 'SENDING' AND q.lease_until < $1))
             AND q.id <> ALL($5::uuid[])
             AND (q.audience = 'SUPPORT' OR EXISTS (SELECT 1 FROM support_cases c WHERE c.order_id = q.order_id))
           ORDER BY q.next_attempt_at
           LIMIT $4
           FOR UPDATE SKIP LOCKED)
        RETURNING n.*`,
      [
        claim.now,
        claim.owner,
        new Date(claim.now.getTime() + claim.leaseMs),
        claim.limit,
        claim.excluding,
      ],
    );
    return rows.map(toEntity);
  }

  /** Extends the leases `owner` still holds on these messages; returns how many it holds. */
  async renewLeases(
    manager: EntityManager,
    owner: string,
    ids: string[],
    leaseUntil: Date,
  ): Promise<number> {
    if (ids.length === 0) return 0;
    const [, count]: [unknown, number] = await manager.query(
      `UPDATE notifications SET lease_until = $3
        WHERE id = ANY($1::uuid[]) AND status = 'SENDING' AND claimed_by = $2`,
      [ids, owner, leaseUntil],
    );
    return count;
  }

  /** Marks a sent message SENT if the claim that sent it still holds it; true when marked. */
  async markSent(
    manager: EntityManager,
    claim: EmailClaim,
    messageId: string,
    now: Date,
  ): Promise<boolean> {
    const [rows]: [{ id: string }[], number] = await manager.query(
      `UPDATE notifications
          SET status = 'SENT', message_id = $4, sent_at = $5, last_error = NULL, lease_until = NULL
        WHERE id = $1 AND status = 'SENDING' AND claimed_by = $2 AND claimed_at = $3
        RETURNING id`,
      [claim.id, claim.owner, claim.claimedAt, messageId, now],
    );
    return rows.length > 0;
  }

  async markRetry(
    manager: EntityManager,
    claim: EmailClaim,
    nextAttemptAt: Date,
    error: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE notifications
          SET status = 'PENDING', next_attempt_at = $4, last_error = $5, lease_until = NULL
        WHERE id = $1 AND status = 'SENDING' AND claimed_by = $2 AND claimed_at = $3`,
      [claim.id, claim.owner, claim.claimedAt, nextAttemptAt, error.slice(0, 1000)],
    );
  }

  async markFailed(manager: EntityManager, claim: EmailClaim, error: string): Promise<void> {
    await manager.query(
      `UPDATE notifications SET status = 'FAILED', last_error = $4, lease_until = NULL
        WHERE id = $1 AND status = 'SENDING' AND claimed_by = $2 AND claimed_at = $3`,
      [claim.id, claim.owner, claim.claimedAt, error.slice(0, 1000)],
    );
  }

  async ofOrder(manager: EntityManager, orderId: string): Promise<NotificationEntity[]> {
    return manager.find(NotificationEntity, { where: { orderId }, order: { createdAt: 'ASC' } });
  }
}

interface NotificationRow {
  id: string;
  order_id: string;
  account_id: string;
  stage: string;
  subject_key: string;
  audience: NotificationAudience;
  status: NotificationStatus;
  content: Record<string, unknown>;
  due_at: Date;
  next_attempt_at: Date;
  attempts: number;
  claimed_at: Date | null;
  claimed_by: string | null;
  lease_until: Date | null;
  message_id: string | null;
  sent_at: Date | null;
  last_error: string | null;
  created_at: Date;
}

function toEntity(row: NotificationRow): NotificationEntity {
  return Object.assign(new NotificationEntity(), {
    id: row.id,
    orderId: row.order_id,
    accountId: row.account_id,
    stage: row.stage,
    subjectKey: row.subject_key,
    audience: row.audience,
    status: row.status,
    content: row.content,
    dueAt: row.due_at,
    nextAttemptAt: row.next_attempt_at,
    attempts: row.attempts,
    claimedAt: row.claimed_at,
    claimedBy: row.claimed_by,
    leaseUntil: row.lease_until,
    messageId: row.message_id,
    sentAt: row.sent_at,
    lastError: row.last_error,
    createdAt: row.created_at,
  });
}
