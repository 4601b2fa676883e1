/**
 * The floor's notifications: every saga event of an order becomes a timeline row; OrderPaid stores
 * the (sealed) customer and queues the payment email, EntitlementsRestored queues the confirmation
 * (one row per order and stage: a redelivery queues nothing). A mailer sends what is queued over a
 * pooled SMTP connection and records each sent batch in one transaction: marked sent, a
 * CustomerNotified in the timeline and in the outbox.
 */
import {
  CustomerNotified,
  EligibilityVerified,
  EntitlementsRestored,
  EventSources,
  OrderFulfilled,
  OrderPaid,
} from '@app/contracts';
import { openPerson, PersonalDataCipher } from '@app/platform';
import { randomUUID } from 'node:crypto';
import { createTransport, Transporter } from 'nodemailer';
import { Pool, PoolClient } from 'pg';
import { FloorOutgoing, FloorRecord, insertOutbox, outgoing } from './floor-service';

const STAGES = new Set<string>([
  OrderPaid.type,
  EligibilityVerified.type,
  EntitlementsRestored.type,
  OrderFulfilled.type,
]);

const SUBJECTS: Record<string, (orderId: string) => string> = {
  [OrderPaid.type]: (orderId) =>
    `Payment received for your service reactivation (order ${orderId})`,
  [EntitlementsRestored.type]: (orderId) => `Your services are reactivated (order ${orderId})`,
};

export function floorNotifications() {
  const handle = async (db: PoolClient, records: FloorRecord[]): Promise<FloorOutgoing[]> => {
    const stages = records.filter((r) => STAGES.has(r.event.type));
    if (stages.length === 0) return [];
    const data = (r: FloorRecord) => r.event.data as { orderId: string; accountId: string };
    await insertTimeline(
      db,
      stages.map((r) => ({
        orderId: data(r).orderId,
        eventId: r.event.id,
        stage: r.event.type,
        at: r.event.time,
        details: {},
      })),
    );
    const paid = stages.filter((r) => r.event.type === OrderPaid.type);
    if (paid.length > 0) {
      await db.query(
        `INSERT INTO notifications.customers (order_id, account_id, sealed)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
        [
          paid.map((r) => data(r).orderId),
          paid.map((r) => data(r).accountId),
          paid.map((r) => (r.event.data as unknown as OrderPaid).customer.sealed),
        ],
      );
    }
    const emails = stages.filter((r) => SUBJECTS[r.event.type] !== undefined);
    if (emails.length > 0) {
      await db.query(
        `INSERT INTO notifications.emails (id, order_id, account_id, stage, status, content)
         SELECT id, "orderId", "accountId", stage, 'PENDING', content
         FROM jsonb_to_recordset($1::jsonb)
           AS e(id uuid, "orderId" text, "accountId" text, stage text, content jsonb)
         ON CONFLICT DO NOTHING`,
        [
          JSON.stringify(
            emails.map((r) => ({
              id: randomUUID(),
              orderId: data(r).orderId,
              accountId: data(r).accountId,
              stage: r.event.type,
              content: r.event.data,
            })),
          ),
        ],
      );
    }
    return [];
  };
  return { handle };
}

async function insertTimeline(
  db: PoolClient,
  rows: { orderId: string; eventId: string; stage: string; at: string; details: object }[],
): Promise<void> {
  await db.query(
    `INSERT INTO notifications.timeline_stages (order_id, event_id, stage, at, details)
     SELECT "orderId", "eventId", stage, at, details FROM jsonb_to_recordset($1::jsonb)
       AS t("orderId" text, "eventId" text, stage text, at timestamptz, details jsonb)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

interface QueuedEmail {
  id: string;
  order_id: string;
  account_id: string;
  stage: string;
  content: { licenses?: { product: string; expiresAt: string }[] };
  sealed: string;
}

/** Sends queued emails in batches; one transaction records each batch as sent. */
export class FloorMailer {
  private readonly transport: Transporter;
  private wanted = false;
  private running?: Promise<void>;
  private stopped = false;
  readonly counts = { sent: 0, failedAttempts: 0 };

  constructor(
    private readonly pool: Pool,
    smtpUrl: string,
    private readonly cipher: PersonalDataCipher,
    private readonly afterRecord: () => void,
  ) {
    // Pooled connections kept open (nodemailer's pool reconnects after 100 messages by default).
    const pooled = { pool: true, maxConnections: 5, maxMessages: Infinity };
    this.transport = createTransport({ url: smtpUrl, ...pooled } as never, {
      from: 'Poly reactivations <reactivations@poly.example>',
    });
  }

  wake(): void {
    this.wanted = true;
    this.running ??= this.drain()
      .catch((error: unknown) => {
        console.error('floor mailer:', error);
        this.counts.failedAttempts++;
        this.wanted = true;
        return new Promise<void>((resolve) => setTimeout(resolve, 1000));
      })
      .finally(() => {
        this.running = undefined;
        if (this.wanted && !this.stopped) this.wake();
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    this.transport.close();
  }

  private async drain(): Promise<void> {
    while (this.wanted && !this.stopped) {
      this.wanted = false;
      for (;;) {
        // Oldest first; an email waits until its order's customer is known (OrderPaid may be
        // consumed after the stage that queued it).
        const { rows } = await this.pool.query<QueuedEmail>(
          `SELECT e.id, e.order_id, e.account_id, e.stage, e.content, c.sealed
           FROM notifications.emails e JOIN notifications.customers c USING (order_id)
           WHERE e.status = 'PENDING' ORDER BY e.seq LIMIT 200`,
        );
        if (rows.length === 0) break;
        const results = await Promise.allSettled(rows.map((row) => this.send(row)));
        const sent = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        if (sent.length > 0) await this.record(sent);
        if (sent.length < rows.length) {
          // Not accepted: stays queued, tried again after a pause (the product backs off too).
          this.counts.failedAttempts += rows.length - sent.length;
          throw new Error(`${rows.length - sent.length} emails not accepted by SMTP`);
        }
        if (rows.length < 200) break;
      }
    }
  }

  private async send(email: QueuedEmail): Promise<{ email: QueuedEmail; messageId: string }> {
    const person = openPerson(this.cipher, email.sealed);
    const messageId = `<${email.id}@notifications.poly.example>`;
    const lines = (email.content.licenses ?? []).map(
      (l) => `- ${l.product}, valid until ${l.expiresAt.slice(0, 10)}`,
    );
    await this.transport.sendMail({
      to: person.email,
      subject: SUBJECTS[email.stage](email.order_id),
      text: [`Hello ${person.name},`, '', ...lines, '', 'Poly'].join('\n'),
      messageId,
    });
    return { email, messageId };
  }

  private async record(sent: { email: QueuedEmail; messageId: string }[]): Promise<void> {
    const now = new Date();
    const events = sent.map(({ email, messageId }) =>
      outgoing(
        CustomerNotified,
        {
          orderId: email.order_id,
          accountId: email.account_id,
          stage: email.stage,
          messageId,
          channel: 'email',
        },
        { source: EventSources.Notifications, correlationId: email.order_id },
        now,
      ),
    );
    const db = await this.pool.connect();
    try {
      await db.query('BEGIN');
      await db.query(
        `UPDATE notifications.emails SET status = 'SENT', sent_at = $2 WHERE id = ANY($1::uuid[])`,
        [sent.map((s) => s.email.id), now],
      );
      await insertTimeline(
        db,
        events.map((o) => ({
          orderId: (o.event.data as { orderId: string }).orderId,
          eventId: o.event.id,
          stage: CustomerNotified.type,
          at: o.event.time,
          details: {},
        })),
      );
      await insertOutbox(db, 'notifications', events);
      await db.query('COMMIT');
      this.counts.sent += sent.length;
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      db.release();
    }
    this.afterRecord();
  }
}
