/**
 * Work keyed by partition number, one at a time per number (chunks of different numbers still run
 * side by side), in the order it was asked for. See MessagingOptions.oneChunkPerPartitionNumber.
 */
export class PartitionTurns {
  /** The last work asked for on each number, settled or not. */
  private readonly last = new Map<number, Promise<unknown>>();

  /** Runs `work` once every earlier work of this partition number has settled. */
  async run<T>(partition: number, work: () => Promise<T>): Promise<T> {
    const turn = (this.last.get(partition) ?? Promise.resolve()).then(work);
    const settled = turn.catch(() => undefined);
    this.last.set(partition, settled);
    try {
      return await turn;
    } finally {
      if (this.last.get(partition) === settled) this.last.delete(partition);
    }
  }
}
