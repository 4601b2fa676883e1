/**
 * The bench's floor does the saga's work with the product's guarantees, or its figures mean
 * nothing: every verified payment of a placed order ends fulfilled once with one confirmation
 * email and a complete timeline; a replayed payment changes nothing; a payment with a wrong
 * signature pays nothing. Runs the built floor (dist/) on the real broker and PostgreSQL, in one
 * process and in four (one a part, FLOOR_PARTS, as the bench's `--floor-processes 4`).
 */
import { PaymentCaptured } from '@app/contracts';
import { createTestDatabase, createTestTopics, eventually, TestPublisher } from '@app/testing';
import { Client } from 'pg';
import { startFloor } from '../saga-run';
import { startSmtpSink } from '../smtp-sink';
import { checkFloorEndState, seedFloor } from './floor-schema';
import { floorSeeds } from './floor-seeds';

const SECRET = 'floor-test-secret';

describe('the bench floor', () => {
  it.each([
    ['in one process', 1 as const],
    ['in four processes', 4 as const],
  ])(
    'fulfils each verified payment once, with its confirmation email and whole timeline (%s)',
    async (_, processes) => {
      const smtp = await startSmtpSink();
      const [prefix, url] = await Promise.all([createTestTopics(), createTestDatabase('floor')]);
      const floors = await startFloor(processes, {
        DATABASE_URL: url,
        KAFKA_TOPIC_PREFIX: prefix,
        SMTP_URL: smtp.url,
        UPSTREAM_SIGNING_SECRET: SECRET,
      });
      const billing = floors[0].process;
      const publisher = await TestPublisher.connect(prefix);
      const db = new Client({ connectionString: url });
      await db.connect();
      try {
        const seeds = floorSeeds(6);
        await seedFloor(url, seeds);
        const payment = (seed: (typeof seeds)[number]) => ({
          paymentId: `pay-${seed.orderId}`.slice(0, 64),
          orderId: seed.orderId,
          accountId: seed.accountId,
          amount: { amountMinor: seed.amountMinor, currency: seed.currency },
          capturedAt: new Date().toISOString(),
        });
        const paid = seeds.slice(0, 5);
        for (const seed of paid)
          await publisher.event(PaymentCaptured, payment(seed), { signingSecret: SECRET });
        // The same payment again under a new event id (an upstream replay), and a forged one.
        await publisher.event(PaymentCaptured, payment(paid[0]), { signingSecret: SECRET });
        await publisher.event(PaymentCaptured, payment(seeds[5]), { signingSecret: 'forged' });

        const state = await eventually(async () => {
          const s = await checkFloorEndState(db);
          expect(s.timelinesComplete).toBe(5);
          expect(s.confirmationEmailsSent).toBe(5);
          return s;
        }, 60_000);
        expect(state).toMatchObject({
          orders: 6,
          fulfilledOnce: 5,
          paymentsRecorded: 5,
          licensesActive: 5,
          holdsCleared: 5,
          eligibilityCopiesUpdated: 5,
          paymentEmailsSent: 5,
        });
        expect([...smtp.confirmations.keys()].sort()).toEqual(paid.map((s) => s.orderId).sort());
        expect(smtp.duplicateConfirmations()).toBe(0);
        const forged = await db.query<{ status: string }>(
          'SELECT status FROM billing.orders WHERE order_id = $1',
          [seeds[5].orderId],
        );
        expect(forged.rows[0].status).toBe('PLACED');
        const counts = (
          await billing.http<{ billingDecisions: Record<string, number> }>('GET', '/floor/counts')
        ).body;
        expect(counts.billingDecisions).toEqual({ badSignature: 1, unmatched: 1 });
      } finally {
        await db.end();
        await publisher.disconnect();
        await Promise.all(floors.map(({ process }) => process.stop()));
        await smtp.stop();
      }
    },
  );
});
