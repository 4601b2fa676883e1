/**
 * How the relay cuts its sends: per topic-partition (one partition's failure never makes the
 * relay send another's rows again), each send's record batch under the broker's size limit,
 * and rows that alone exceed the limit set aside to be parked.
 */

/** Bytes of a Kafka record batch besides its records (v2 header). */
export const RECORD_BATCH_OVERHEAD = 61;

/**
 * Broker default `message.max.bytes` is 1,048,588 (a record batch, after compression); the relay
 * stays below it with a margin for its size estimate.
 */
export const DEFAULT_MAX_BATCH_BYTES = 1_000_000;

/**
 * An upper bound of a record's size in a v2 record batch: key and value, their varint lengths,
 * attributes, offset and timestamp deltas and the header count (at most 32 bytes), and the
 * headers: the row's encoding spends 8 bytes on each header's two lengths, varints at most 10.
 */
export function recordBytes(key: Buffer, value: Buffer, encodedHeaders: Buffer): number {
  return 32 + key.length + value.length + Math.ceil(encodedHeaders.length * 1.25);
}

export interface Chunked<T> {
  /** Consecutive runs of the items, in their order, each under the limit. */
  chunks: T[][];
  /** Items that are above the limit on their own (never publishable). */
  oversized: T[];
}

/** Cuts items (one partition's, in order) into runs whose batch stays within `maxBatchBytes`. */
export function chunkByBytes<T>(
  items: T[],
  sizeOf: (item: T) => number,
  maxBatchBytes: number,
): Chunked<T> {
  const result: Chunked<T> = { chunks: [], oversized: [] };
  let current: T[] = [];
  let currentBytes = RECORD_BATCH_OVERHEAD;
  for (const item of items) {
    const bytes = sizeOf(item);
    if (RECORD_BATCH_OVERHEAD + bytes > maxBatchBytes) {
      result.oversized.push(item);
      continue;
    }
    if (currentBytes + bytes > maxBatchBytes) {
      result.chunks.push(current);
      current = [];
      currentBytes = RECORD_BATCH_OVERHEAD;
    }
    current.push(item);
    currentBytes += bytes;
  }
  if (current.length > 0) result.chunks.push(current);
  return result;
}

/** Items grouped by a key, keeping each group's order and the groups' first-seen order. */
export function groupInOrder<T>(items: T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(item);
  }
  return [...groups.values()];
}
