import type { ChunkControl } from './chunk-processor';
import { GroupCommit, PendingChunk } from './group-commit';
import type { InboundRecord } from './inbound-record';

const control: ChunkControl = { shouldContinue: () => true, wait: async () => undefined };

/** A chunk of `size` records of one topic and partition, named by its first offset. */
function chunk(topic: string, partition: number, size: number, first = 0): InboundRecord[] {
  return Array.from(
    { length: size },
    (_, i) => ({ origin: { topic, partition, offset: String(first + i) } }) as InboundRecord,
  );
}

const nameOf = (records: InboundRecord[]) =>
  `${records[0].origin.topic}/${records[0].origin.partition}@${records[0].origin.offset}`;

/** Handles groups when the test says so, noting each group it was given. */
function gatedHandler() {
  const groups: string[][] = [];
  const gates: ((outcomes?: boolean[]) => void)[] = [];
  const failures: ((error: Error) => void)[] = [];
  const handle = (chunks: PendingChunk[]) => {
    groups.push(chunks.map((c) => nameOf(c.records)));
    return new Promise<boolean[]>((resolve, reject) => {
      gates.push((outcomes) => resolve(outcomes ?? chunks.map(() => true)));
      failures.push(reject);
    });
  };
  return { groups, gates, failures, handle };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('commits the chunks handed in side by side together, in topic order', async () => {
    const handler = gatedHandler();
    const groups = new GroupCommit(handler.handle, 200, 1);
    const outcomes = [
      groups.handle(chunk('orders', 0, 2), control),
      groups.handle(chunk('accounts', 3, 1), control),
      groups.handle(chunk('orders', 1, 3), control),
    ];
    await settle();
    expect(handler.groups).toEqual([['accounts/3@0', 'orders/0@0', 'orders/1@0']]);
    handler.gates[0]([true, false, true]);
    // Each chunk gets its own outcome, whatever the order it was handled in.
    await expect(Promise.all(outcomes)).resolves.toEqual([false, true, true]);
  });

  it('runs one group at a time: chunks handed in meanwhile wait and go together in the next', async () => {
    const handler = gatedHandler();
    const groups = new GroupCommit(handler.handle, 200, 1);
    const first = groups.handle(chunk('orders', 0, 1), control);
    await settle();
    const later = [
      groups.handle(chunk('orders', 1, 1), control),
      groups.handle(chunk('orders', 2, 1), control),
    ];
    await settle();
    expect(handler.groups).toEqual([['orders/0@0']]);
    handler.gates[0]();
    await expect(first).resolves.toBe(true);
    await settle();
    expect(handler.groups).toEqual([['orders/0@0'], ['orders/1@0', 'orders/2@0']]);
    handler.gates[1]();
    await expect(Promise.all(later)).resolves.toEqual([true, true]);
  });

  it('takes whole chunks up to the record limit, and a larger chunk alone', async () => {
    const handler = gatedHandler();
    const groups = new GroupCommit(handler.handle, 10, 1);
    const outcomes = [
      groups.handle(chunk('orders', 0, 12), control),
      groups.handle(chunk('orders', 1, 6), control),
      groups.handle(chunk('orders', 2, 4), control),
      groups.handle(chunk('orders', 3, 1), control),
    ];
    await settle();
    expect(handler.groups).toEqual([['orders/0@0']]);
    handler.gates[0]();
    await settle();
    expect(handler.groups[1]).toEqual(['orders/1@0', 'orders/2@0']);
    handler.gates[1]();
    await settle();
    expect(handler.groups[2]).toEqual(['orders/3@0']);
    handler.gates[2]();
    await expect(Promise.all(outcomes)).resolves.toEqual([true, true, true, true]);
  });

  it('fails every chunk of a group that throws, and goes on with the next group', async () => {
    const handler = gatedHandler();
    const groups = new GroupCommit(handler.handle, 200, 1);
    const failed = [
      groups.handle(chunk('orders', 0, 1), control),
      groups.handle(chunk('orders', 1, 1), control),
    ];
    await settle();
    const next = groups.handle(chunk('orders', 0, 1, 1), control);
    handler.failures[0](new Error('bug'));
    await expect(failed[0]).rejects.toThrow('bug');
    await expect(failed[1]).rejects.toThrow('bug');
    await settle();
    expect(handler.groups[1]).toEqual(['orders/0@1']);
    handler.gates[1]();
    await expect(next).resolves.toBe(true);
  });

  it('starts another transaction beside the running ones, up to the limit, for the chunks handed in meanwhile', async () => {
    const handler = gatedHandler();
    const groups = new GroupCommit(handler.handle, 200, 2);
    const first = groups.handle(chunk('orders', 0, 1), control);
    await settle();
    const second = [
      groups.handle(chunk('orders', 1, 1), control),
      groups.handle(chunk('orders', 2, 1), control),
    ];
    await settle();
    // Two at once: the second took everything handed in while the first ran.
    expect(handler.groups).toEqual([['orders/0@0'], ['orders/1@0', 'orders/2@0']]);
    const third = groups.handle(chunk('orders', 3, 1), control);
    await settle();
    expect(handler.groups).toHaveLength(2);
    handler.gates[1]();
    await expect(Promise.all(second)).resolves.toEqual([true, true]);
    await settle();
    // The transaction that ended took what waited; the first still runs.
    expect(handler.groups[2]).toEqual(['orders/3@0']);
    handler.gates[2]();
    handler.gates[0]();
    await expect(Promise.all([first, third])).resolves.toEqual([true, true]);
  });

  it('starts full chunks handed in together side by side, up to the limit', async () => {
    const handler = gatedHandler();
    const groups = new GroupCommit(handler.handle, 10, 3);
    const outcomes = [0, 1, 2, 3].map((p) => groups.handle(chunk('orders', p, 10), control));
    await settle();
    expect(handler.groups).toEqual([['orders/0@0'], ['orders/1@0'], ['orders/2@0']]);
    handler.gates[1]();
    await settle();
    expect(handler.groups[3]).toEqual(['orders/3@0']);
    for (const i of [0, 2, 3]) handler.gates[i]();
    await expect(Promise.all(outcomes)).resolves.toEqual([true, true, true, true]);
  });
});
