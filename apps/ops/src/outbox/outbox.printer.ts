import { formatDuration, renderTable } from '../cli/table';
import { OutboxState } from './outbox-state.reader';

export function renderOutbox(states: OutboxState[]): string {
  return states
    .map((state) => {
      if (state.note) return `${state.service}: ${state.note}`;
      const head =
        `${state.service}: ${state.waiting} waiting for the relay` +
        (state.waiting
          ? ` (oldest ${formatDuration((state.oldestWaitingSeconds ?? 0) * 1000)})`
          : '') +
        `, ${state.parked.length} parked`;
      if (state.parked.length === 0) return head;
      const table = renderTable(
        ['id', 'topic', 'partition', 'type', 'bytes', 'parked at', 'reason'],
        state.parked.map((row) => [
          row.id,
          row.topic,
          String(row.partition),
          row.eventType ?? '(raw)',
          String(row.sizeBytes),
          row.parkedAt,
          row.reason,
        ]),
      );
      return `${head}\n${table}`;
    })
    .join('\n\n');
}
