import type { LoggerService } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { MessagingMetrics } from '../metrics/messaging.metrics';
import type { OutboxRelay } from '../outbox/outbox.relay';
import { RetryPolicy } from '../retry/retry-policy';
import { ChunkControl, ChunkProcessor, runsOfOneHandler } from './chunk-processor';
import type { DeadLetterBuilder } from './dead-letter';
import type { EventHandler, InboundRecord } from './inbound-record';

const handle = jest.fn();
const orderPaid: EventHandler = { handle, batched: true };
const orderFulfilled: EventHandler = { handle, batched: true };
const sagaPaid: EventHandler = { handle, batched: true, batchHandler: 'saga#1' };
const sagaFulfilled: EventHandler = { handle, batched: true, batchHandler: 'saga#1' };
const otherPaid: EventHandler = { handle, batched: true, batchHandler: 'other#2' };
const perEvent: EventHandler = { handle, batched: false };

function records(...handlers: EventHandler[]): InboundRecord[] {
  return handlers.map(
    (handler, i) => ({ origin: { offset: String(i) }, handler }) as unknown as InboundRecord,
  );
}

const offsetsOf = (runs: InboundRecord[][]) => runs.map((run) => run.map((r) => r.origin.offset));

describe('runsOfOneHandler', () => {
  it('gives consecutive events of one type with a batch handler to one call', () => {
    const runs = runsOfOneHandler(records(orderPaid, orderPaid, orderFulfilled, orderPaid));
    expect(offsetsOf(runs)).toEqual([['0', '1'], ['2'], ['3']]);
  });

  it('gives consecutive events of several types to one call when one batch handler takes them all', () => {
    const runs = runsOfOneHandler(records(sagaPaid, sagaFulfilled, sagaPaid, otherPaid, sagaPaid));
    expect(offsetsOf(runs)).toEqual([['0', '1', '2'], ['3'], ['4']]);
  });

  it('gives each event with a per-event handler a call of its own', () => {
    const runs = runsOfOneHandler(records(perEvent, perEvent, sagaPaid));
    expect(offsetsOf(runs)).toEqual([['0'], ['1'], ['2']]);
  });
});

describe('ChunkProcessor.processTogether', () => {
  it('after the shared transaction fails for good, handles alone each chunk still ours, and none whose partition was taken away during the attempt', async () => {
    const ours = new Map([
      [0, true],
      [1, true],
    ]);
    const chunkOf = (partition: number) => ({
      records: [
        {
          origin: { topic: 'orders', partition, offset: '0' },
          decoded: { event: { id: `event-${partition}`, type: 'OrderPaid' } },
          handler: orderPaid,
        } as unknown as InboundRecord,
      ],
      control: {
        shouldContinue: () => ours.get(partition)!,
        wait: async () => undefined,
      } satisfies ChunkControl,
    });
    let transactions = 0;
    // A transaction's runner, where the first attempt fails and a later one finds the event seen.
    const dataSource = {
      createQueryRunner: () => ({
        connect: async () => {
          // PostgreSQL answers each statement with its command tag (COMMIT: committed).
          if (++transactions > 1) return { query: async (text: unknown) => ({ command: text }) };
          // The group takes partition 1 away while the shared attempt runs, which then fails on
          // something no retry heals.
          ours.set(1, false);
          throw new Error('no handler can take this record');
        },
        manager: { query: async () => [] },
        broadcaster: { broadcast: async () => undefined },
        commitTransaction: async () => undefined,
        rollbackTransaction: async () => undefined,
        release: async () => undefined,
      }),
    };
    const metrics = {
      batchSize: { observe: () => undefined },
      batchDuration: { observe: () => undefined },
      eventsConsumed: { inc: () => undefined },
    };
    const processor = new ChunkProcessor(
      dataSource as unknown as DataSource,
      // A relay that never drains behind a commit: each commit wakes it.
      {
        publication: () => ({ followOn: () => false, wake: () => undefined }),
      } as unknown as OutboxRelay,
      'poly.test',
      {} as DeadLetterBuilder,
      metrics as unknown as MessagingMetrics,
      { warn: () => undefined, error: () => undefined } as unknown as LoggerService,
      new RetryPolicy(),
    );

    const outcomes = await processor.processTogether([chunkOf(0), chunkOf(1)]);

    // Partition 0's chunk committed alone; partition 1's left to its next owner, untouched.
    expect(outcomes).toEqual([true, false]);
    expect(transactions).toBe(2);
  });
});
