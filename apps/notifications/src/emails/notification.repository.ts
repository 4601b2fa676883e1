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
   * Claims due messages (PENDING and due, or SENDING for longer than the claim timeout: their
   * sender died) with one conditional update; concurrent senders skip each other's rows.
   * A customer's message waits until its order (the customer to write to) is known.
   */
  async claimDue(
    manager: EntityManager,
    now: Date,
    claimTimeoutMs: number,
    limit: number,
  ): Promise<NotificationEntity[]> {
    const [rows]: [NotificationRow[], number] = await manager.query(
      `UPDATE notifications n
          SET status = 'SENDING', claimed_at = $1, attempts = n.attempts + 1
        WHERE n.id IN (
          SELECT q.id FROM notifications q
           WHERE ((q.status = 'PENDING' AND q.next_attempt_at <= $1)
                  OR (q.status = 'SENDING' AND q.claimed_at < $2))
             AND (q.audience = 'SUPPORT' OR EXISTS (SELECT 1 FROM support_cases c WHERE c.order_id = q.order_id))
           ORDER BY q.next_attempt_at
           LIMIT $3
           FOR UPDATE SKIP LOCKED)
        RETURNING n.*`,
      [now, new Date(now.getTime() - claimTimeoutMs), limit],
    );
    return rows.map(toEntity);
  }

  /**
   * Marks sent messages SENT in one statement, each only if still claimed by the attempt that sent
   * it; returns the ids marked (another sender may have taken a message over).
   */
  async markSent(
    manager: EntityManager,
    sent: { id: string; claimedAt: Date; messageId: string }[],
    now: Date,
  ): Promise<Set<string>> {
    if (sent.length === 0) return new Set();
    const [rows]: [{ id: string }[], number] = await manager.query(
      `UPDATE notifications n
          SET status = 'SENT', message_id = s.message_id, sent_at = $4, last_error = NULL
         FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) AS s(id, claimed_at, message_id)
        WHERE n.id = s.id AND n.status = 'SENDING' AND n.claimed_at = s.claimed_at
        RETURNING n.id`,
      [sent.map((m) => m.id), sent.map((m) => m.claimedAt), sent.map((m) => m.messageId), now],
    );
    return new Set(rows.map((row) => row.id));
  }

  async markRetry(
    manager: EntityManager,
    id: string,
    claimedAt: Date,
    nextAttemptAt: Date,
    error: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE notifications SET status = 'PENDING', next_attempt_at = $3, last_error = $4
        WHERE id = $1 AND status = 'SENDING' AND claimed_at = $2`,
      [id, claimedAt, nextAttemptAt, error.slice(0, 1000)],
    );
  }

  async markFailed(
    manager: EntityManager,
    id: string,
    claimedAt: Date,
    error: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE notifications SET status = 'FAILED', last_error = $3
        WHERE id = $1 AND status = 'SENDING' AND claimed_at = $2`,
      [id, claimedAt, error.slice(0, 1000)],
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
    messageId: row.message_id,
    sentAt: row.sent_at,
    lastError: row.last_error,
    createdAt: row.created_at,
  });
}
