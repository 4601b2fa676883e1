import type { ChunkControl } from './chunk-processor';
import type { InboundRecord } from './inbound-record';

/** A chunk handed in, and what its partition lends it while it is handled. */
export interface PendingChunk {
  records: InboundRecord[];
  control: ChunkControl;
}

/** Handles chunks together, in one transaction: one outcome per chunk, in their order. */
export type HandleTogether = (chunks: PendingChunk[]) => Promise<boolean[]>;

interface Waiting extends PendingChunk {
  settle: (processed: boolean) => void;
  fail: (error: unknown) => void;
}

/**
 * Group commit across partitions: kafkajs hands the batches of a fetch's partitions side by side;
 * their chunks wait here, and a transaction takes all that waited (whole chunks, up to
 * `maxRecords` records but at least one chunk), up to `maxInFlight` transactions at once. At
 * moderate rates a fetch brings a record or two from each of many partitions: one transaction for
 * them all instead of one each (its statements, its commit's fsync, its relay drain); flooded,
 * transactions overlap as before. With `maxInFlight` 1 the consumer's transactions never wait on
 * each other's locks.
 *
 * A chunk's own partition order holds: kafkajs hands a partition's next batch only once the last
 * is handled, and a batch hands its next chunk only once the last is committed. Chunks are taken
 * in topic order (a stable sort), so that runs of one event type meet across partitions.
 */
export class GroupCommit {
  private readonly waiting: Waiting[] = [];
  /** Transactions in progress; `starting`: gathering this turn's chunks before one starts. */
  private running = 0;
  private starting = false;

  constructor(
    private readonly handleTogether: HandleTogether,
    private readonly maxRecords: number,
    private readonly maxInFlight: number,
  ) {}

  /** Resolves once the chunk is committed (true) or left for the partition's next owner (false). */
  handle(records: InboundRecord[], control: ChunkControl): Promise<boolean> {
    return new Promise((settle, fail) => {
      this.waiting.push({ records, control, settle, fail });
      if (this.starting || this.running >= this.maxInFlight) return;
      this.starting = true;
      // The other batches of the same fetch are handed in within this turn of the event loop.
      setImmediate(() => {
        this.starting = false;
        this.start();
      });
    });
  }

  /** Starts transactions for what waits, as many as may run at once. */
  private start(): void {
    while (this.waiting.length > 0 && this.running < this.maxInFlight) {
      void this.commit(this.takeGroup());
    }
  }

  private async commit(group: Waiting[]): Promise<void> {
    this.running++;
    try {
      const outcomes = await this.handleTogether(group);
      group.forEach((chunk, i) => chunk.settle(outcomes[i]));
    } catch (error) {
      for (const chunk of group) chunk.fail(error);
    }
    this.running--;
    // What was handed in meanwhile goes at once, together.
    this.start();
  }

  private takeGroup(): Waiting[] {
    const group = [this.waiting.shift()!];
    let records = group[0].records.length;
    while (this.waiting.length > 0 && records + this.waiting[0].records.length <= this.maxRecords) {
      const next = this.waiting.shift()!;
      records += next.records.length;
      group.push(next);
    }
    return group.sort((a, b) => topicOrder(a, b));
  }
}

function topicOrder(a: PendingChunk, b: PendingChunk): number {
  const x = a.records[0].origin.topic;
  const y = b.records[0].origin.topic;
  return x < y ? -1 : x > y ? 1 : 0;
}
