import { preparedStatement, runPrepared } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { hasSupportCase, RosterPort, supportCaseJoin, SupportCaseRow } from '../roster/roster.port';
import {
  NotificationAudience,
  NotificationEntity,
  NotificationStatus,
} from './notification.entity';

/**
 * An order whose customer a transaction made known (its support case opened), and whether it wants
 * the messages HELD for it until then (renewal reminders, which only an order that bought them
 * wants).
 */
export interface KnownOrder {
  orderId: string;
  wantsHeld: boolean;
}

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

/** A claim taken by the transaction that queues messages, on those due at once (see queueMany). */
export interface QueueClaim {
  owner: string;
  claimedAt: Date;
  leaseUntil: Date;
  /** At most this many messages are claimed. */
  limit: number;
}

/**
 * Noted on the query runner of a transaction that queued or released messages (TypeORM keeps a
 * runner's `data` for its subscribers): the dispatcher, told of the commit, claims and sends them
 * at once. Other commits do not wake it; the periodic sweep still catches anything else that falls
 * due.
 */
export const EMAILS_QUEUED = 'notifications.emailsQueued';

/**
 * Noted likewise: the messages a transaction queued and claimed for this process (a list), handed
 * over to the dispatcher at its commit and sent without a claim of their own.
 */
export const EMAILS_CLAIMED = 'notifications.emailsClaimed';

function noteQueued(manager: EntityManager): void {
  const data = manager.queryRunner?.data;
  if (data) data[EMAILS_QUEUED] = true;
}

function noteClaimed(manager: EntityManager, claimed: NotificationEntity[]): void {
  const data = manager.queryRunner?.data;
  if (!data) return;
  data[EMAILS_CLAIMED] = [...((data[EMAILS_CLAIMED] as NotificationEntity[]) ?? []), ...claimed];
}

/** Whom a message claimed for sending goes to, read with it (see NotificationEntity.supportCase). */
const CLAIMED_CASE = supportCaseJoin('m.order_id', "m.status = 'SENDING'");

/**
 * Queues messages (as unnest($1..$10), in order), claiming with a claim ($11 owner, $12 now, $13
 * lease end) the first $14 of them due at once that could be claimed, and releases the HELD
 * messages of the orders made known in this transaction ($15, each wanting them or not, $16): they
 * become PENDING or CANCELLED. One statement.
 */
const QUEUE_MESSAGES = preparedStatement(
  `WITH released AS (
   UPDATE notifications n
      SET status = CASE WHEN k.wants THEN 'PENDING' ELSE 'CANCELLED' END
     FROM unnest($15::text[], $16::boolean[]) AS k(order_id, wants)
    WHERE n.order_id = ANY($15::text[]) AND n.order_id = k.order_id AND n.status = 'HELD'
   RETURNING n.*),
   queued AS (
   INSERT INTO notifications
     (id, order_id, account_id, stage, subject_key, audience, status, content,
      due_at, next_attempt_at, attempts, created_at, claimed_by, claimed_at, lease_until)
   SELECT m.id, m.order_id, m.account_id, m.stage, m.subject_key, m.audience,
          CASE WHEN m.claimed THEN 'SENDING' ELSE m.status END,
          m.content, m.due_at, CASE WHEN m.claimed THEN $13::timestamptz ELSE m.due_at END,
          CASE WHEN m.claimed THEN 1 ELSE 0 END,
          m.created_at,
          CASE WHEN m.claimed THEN $11 END, CASE WHEN m.claimed THEN $12::timestamptz END,
          CASE WHEN m.claimed THEN $13::timestamptz END
     FROM (
       SELECT q.*, q.claimable AND count(*) FILTER (WHERE q.claimable)
                     OVER (ORDER BY q.n) <= $14 AS claimed
         FROM (
           SELECT u.*, $8::jsonb -> (u.n::int - 1) AS content,
                  $11::text IS NOT NULL AND u.status = 'PENDING' AND u.due_at <= $12
                    AND (u.audience = 'SUPPORT'
                         OR ${hasSupportCase('u.order_id')})
                    AS claimable
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],
                         $6::text[], $7::text[], $9::timestamptz[], $10::timestamptz[])
               WITH ORDINALITY AS u(id, order_id, account_id, stage, subject_key, audience,
                                    status, due_at, created_at, n)) q) m
    ORDER BY m.n
   ON CONFLICT (order_id, stage, subject_key) DO NOTHING
   RETURNING *)
   SELECT m.*, ${CLAIMED_CASE.columns}
     FROM (SELECT * FROM released UNION ALL SELECT * FROM queued) m
     ${CLAIMED_CASE.joins}`,
);

/**
 * Claims due messages for an owner (the parameters named in `p`): PENDING and due, or SENDING with
 * a lease that ran out; `p.where` narrows them (a condition on q). Returns the claimed rows.
 *
 * A claimed message's next attempt is its lease's end (every claim and renewal sets both), when
 * another sender may take it over: never before its lease's end. So the due index holds the
 * messages being sent after those due now, and a claim reads the due ones alone, not every
 * message being sent before them (642 rows read to claim 20 beside 600 being sent).
 */
function claimUpdate(p: {
  now: string;
  owner: string;
  leaseUntil: string;
  limit: string;
  where: string;
}): string {
  return `UPDATE notifications n
     SET status = 'SENDING', claimed_by = ${p.owner}, claimed_at = ${p.now},
         lease_until = ${p.leaseUntil}, next_attempt_at = ${p.leaseUntil},
         attempts = n.attempts + 1
   WHERE n.id IN (
     SELECT q.id FROM notifications q
      WHERE q.next_attempt_at <= ${p.now}
        AND (q.status = 'PENDING' OR (q.status = 'SENDING' AND q.lease_until < ${p.now}))
        AND ${p.where}
        AND (q.audience = 'SUPPORT' OR ${hasSupportCase('q.order_id')})
      ORDER BY q.next_attempt_at
      LIMIT ${p.limit}
      FOR UPDATE SKIP LOCKED)
   RETURNING n.*`;
}

/**
 * A claim ($1 now, $2 owner, $3 lease end, $4 limit, $5 ids left out; `orders`, a condition on
 * q.order_id), with whom each message goes to.
 */
function claimStatement(orders: string): string {
  return `WITH claimed AS (${claimUpdate({
    now: '$1',
    owner: '$2',
    leaseUntil: '$3',
    limit: '$4',
    where: `q.id <> ALL($5::uuid[]) AND ${orders}`,
  })})
   SELECT m.*, ${CLAIMED_CASE.columns} FROM claimed m ${CLAIMED_CASE.joins}`;
}

const CLAIM_DUE = preparedStatement(claimStatement('true'));

/**
 * The same for the orders in $6 only, a statement of its own planned on their rows (the order
 * index). With the orders as a condition that may be null, the plan went through every entry the
 * due index still held: 1.07 against 0.36 ms, 368 against 10 buffers, for one order among 3,000
 * sagas' messages. Merged into the statement that queues (a CTE), it was planned on the due index
 * (whose entries of messages sent stay until a vacuum) in every transaction, orders known or not:
 * kept apart, it runs only when an order became known.
 */
const CLAIM_OF_ORDERS = preparedStatement(claimStatement('q.order_id = ANY($6::text[])'));

const RENEW_LEASES = preparedStatement(
  `UPDATE notifications SET lease_until = $3, next_attempt_at = $3
   WHERE id = ANY($1::uuid[]) AND status = 'SENDING' AND claimed_by = $2`,
);

/**
 * A claim ($1 ids, $2 owners, $3 claim times, as `c`) that still holds its message: compared as
 * one row with IS NOT DISTINCT FROM, which no index answers, so that the rows are read by their
 * ids. A status condition would let the planner read them through the due index instead, every
 * message being sent with them (600 rows read to mark 20 sent, when the statistics were taken
 * while few were being sent, as they often are).
 */
const STILL_CLAIMED = `n.id = c.id
  AND (n.status, n.claimed_by, n.claimed_at) IS NOT DISTINCT FROM ('SENDING', c.owner, c.claimed_at)`;

const MARK_SENT = preparedStatement(
  `UPDATE notifications n
     SET status = 'SENT', message_id = c.message_id, sent_at = $5, last_error = NULL,
         lease_until = NULL
    FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[])
      AS c(id, owner, claimed_at, message_id)
   WHERE ${STILL_CLAIMED}
   RETURNING n.id`,
);

const RELEASE_CLAIMS = preparedStatement(
  `UPDATE notifications n
     SET status = 'PENDING', next_attempt_at = n.claimed_at, lease_until = NULL,
         attempts = n.attempts - 1
    FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS c(id, owner, claimed_at)
   WHERE ${STILL_CLAIMED}`,
);

/** The email queue: one row per message, claimed by conditional updates. */
@Injectable()
export class NotificationRepository {
  constructor(private readonly roster: RosterPort) {}

  /**
   * Queues these messages with one statement, in (order, stage, subject) order, except those whose
   * (order, stage, subject) has one already: a redelivery, a replay or the same stage under a new
   * event id queues nothing. `known`: the orders whose customer this transaction made known (their
   * case opened), each saying whether it wants the HELD messages queued for it before (`wantsHeld`:
   * they become due, or are dropped, in the same statement). With `claim`, up to `claim.limit`
   * messages due at once that could be claimed (as `claimDue` would: a customer's once its order is
   * known) are claimed (SENDING, an attempt counted) and returned, to be sent when this transaction
   * commits: first those of the known orders that waited for their customer (a statement of its
   * own, see CLAIM_OF_ORDERS), then these. The others wait for a sender, woken at this commit when
   * they are due.
   */
  async queueMany(
    manager: EntityManager,
    messages: NewNotification[],
    claim?: QueueClaim,
    known: KnownOrder[] = [],
  ): Promise<NotificationEntity[]> {
    if (messages.length === 0 && known.length === 0) return [];
    const waited = await this.claimWaiting(
      manager,
      known.map((k) => k.orderId),
      claim,
    );
    const key = (n: NewNotification) => `${n.orderId}\u0000${n.stage}\u0000${n.subjectKey ?? ''}`;
    const sorted = [...messages].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    const settled = [...known].sort((a, b) => (a.orderId < b.orderId ? -1 : 1));
    const rows: ClaimedRow[] = await runPrepared(manager, QUEUE_MESSAGES, [
      sorted.map(() => randomUUID()),
      sorted.map((n) => n.orderId),
      sorted.map((n) => n.accountId),
      sorted.map((n) => n.stage),
      sorted.map((n) => n.subjectKey ?? ''),
      sorted.map((n) => n.audience),
      sorted.map((n) => n.status ?? 'PENDING'),
      // One JSON array, the n-th message's content at index n - 1 (see TimelineRepository).
      JSON.stringify(sorted.map((n) => n.content)),
      sorted.map((n) => n.dueAt),
      sorted.map((n) => n.createdAt),
      claim?.owner ?? null,
      claim?.claimedAt ?? null,
      claim?.leaseUntil ?? null,
      Math.max(0, (claim?.limit ?? 0) - waited.length),
      settled.map((k) => k.orderId),
      settled.map((k) => k.wantsHeld),
    ]);
    const claimed = rows.filter((row) => row.status === 'SENDING').map((row) => this.claimed(row));
    if (claimed.length > 0) noteClaimed(manager, claimed);
    // Due and not claimed here (released or queued): a sender claims them at this commit. Later
    // ones, at the sweep.
    const now = Date.now();
    if (rows.some((row) => row.status === 'PENDING' && row.next_attempt_at.getTime() <= now)) {
      noteQueued(manager);
    }
    return [...waited, ...claimed];
  }

  /**
   * Messages of these orders that waited for their customer (queued before the order was known),
   * the orders now known in this transaction: with `claim`, up to its limit are claimed for this
   * process and handed over at this commit; without one, or with more than its limit, a sender
   * is woken at this commit to claim them.
   */
  private async claimWaiting(
    manager: EntityManager,
    orderIds: string[],
    claim: QueueClaim | undefined,
  ): Promise<NotificationEntity[]> {
    if (orderIds.length === 0) return [];
    if (!claim) {
      noteQueued(manager);
      return [];
    }
    const rows: ClaimedRow[] = await runPrepared(manager, CLAIM_OF_ORDERS, [
      claim.claimedAt,
      claim.owner,
      claim.leaseUntil,
      claim.limit,
      [],
      orderIds,
    ]);
    const claimed = rows.map((row) => this.claimed(row));
    // As many as it could take: others may wait, for a sender woken at this commit.
    if (claimed.length >= claim.limit) noteQueued(manager);
    if (claimed.length > 0) noteClaimed(manager, claimed);
    return claimed;
  }

  /**
   * Claims due messages for `owner` with one conditional update: PENDING and due, or SENDING with
   * a lease that ran out (its sender died without renewing it). Concurrent senders skip each
   * other's rows; `excluding` are messages this owner sent and has yet to record. A customer's
   * message waits until its order (the customer to write to) is known.
   */
  async claimDue(
    manager: EntityManager,
    claim: {
      owner: string;
      now: Date;
      leaseMs: number;
      limit: number;
      excluding: string[];
    },
  ): Promise<NotificationEntity[]> {
    const rows: ClaimedRow[] = await runPrepared(manager, CLAIM_DUE, [
      claim.now,
      claim.owner,
      new Date(claim.now.getTime() + claim.leaseMs),
      claim.limit,
      claim.excluding,
    ]);
    return rows.map((row) => this.claimed(row));
  }

  /** Extends the leases `owner` still holds on these messages; returns how many it holds. */
  async renewLeases(
    manager: EntityManager,
    owner: string,
    ids: string[],
    leaseUntil: Date,
  ): Promise<number> {
    if (ids.length === 0) return 0;
    const [, count]: [unknown, number] = await runPrepared(manager, RENEW_LEASES, [
      ids,
      owner,
      leaseUntil,
    ]);
    return count;
  }

  /**
   * Marks sent messages SENT, each only if the claim that sent it still holds it (one statement);
   * returns the ids marked.
   */
  async markSentMany(
    manager: EntityManager,
    sent: { claim: EmailClaim; messageId: string }[],
    now: Date,
  ): Promise<Set<string>> {
    if (sent.length === 0) return new Set();
    const sorted = [...sent].sort((a, b) => (a.claim.id < b.claim.id ? -1 : 1));
    const [rows]: [{ id: string }[], number] = await runPrepared(manager, MARK_SENT, [
      sorted.map((s) => s.claim.id),
      sorted.map((s) => s.claim.owner),
      sorted.map((s) => s.claim.claimedAt),
      sorted.map((s) => s.messageId),
      now,
    ]);
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Gives claimed messages that were not sent back to the queue, due at once, their attempt not
   * counted, if the claim that took them still holds them.
   */
  async release(manager: EntityManager, claims: EmailClaim[]): Promise<void> {
    if (claims.length === 0) return;
    const sorted = [...claims].sort((a, b) => (a.id < b.id ? -1 : 1));
    await runPrepared(manager, RELEASE_CLAIMS, [
      sorted.map((c) => c.id),
      sorted.map((c) => c.owner),
      sorted.map((c) => c.claimedAt),
    ]);
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

  /** A message claimed for sending, with its order's support case read beside it. */
  private claimed(row: ClaimedRow): NotificationEntity {
    return Object.assign(toEntity(row), { supportCase: this.roster.caseOf(row) });
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

/** A message as a claim returns it: with its order's case (see CLAIMED_CASE). */
type ClaimedRow = NotificationRow & SupportCaseRow;

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
