import { ExitCodes, OpsError } from '../cli/ops-error';

/** Where a replay starts or ends: an offset (the same in every partition) or a point in time. */
export type ReplayPosition = { kind: 'offset'; offset: bigint } | { kind: 'time'; at: Date };

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function parsePosition(text: string, option: string): ReplayPosition {
  if (/^\d+$/.test(text)) return { kind: 'offset', offset: BigInt(text) };
  const at = ISO_TIME.test(text) ? new Date(text) : new Date(NaN);
  if (Number.isNaN(at.getTime())) {
    throw new OpsError(
      `${option} "${text}" is neither an offset nor an ISO time`,
      `give an offset (${option} 120) or an ISO 8601 time (${option} 2026-11-23T08:00:00Z)`,
      ExitCodes.Usage,
    );
  }
  return { kind: 'time', at };
}

/** Bounds of one partition, as the broker reports them. */
export interface PartitionBounds {
  partition: number;
  low: bigint;
  high: bigint;
}

/**
 * The offset of a position in one partition, kept within what the partition holds: an offset
 * before the oldest retained record means "the oldest", one past the end means "the end".
 */
export function resolveOffset(
  position: ReplayPosition,
  bounds: PartitionBounds,
  offsetAtTime: (partition: number) => bigint | undefined,
): bigint {
  const raw =
    position.kind === 'offset' ? position.offset : (offsetAtTime(bounds.partition) ?? bounds.high);
  // The broker answers -1 for "no record at or after that time": the end of the partition.
  const offset = raw < 0n ? bounds.high : raw;
  return offset < bounds.low ? bounds.low : offset > bounds.high ? bounds.high : offset;
}
