import { renderTable } from '../cli/table';
import { RepublishResult } from './republish-range';
import { RewindResult } from './rewind-group';

export function renderRewind(result: RewindResult): string {
  const table = renderTable(
    ['partition', 'committed before', 'committed now', 'to re-deliver', 'note'],
    result.partitions.map((p) => [
      String(p.partition),
      p.committed ?? '-',
      p.offset ?? '-',
      String(p.redeliver),
      p.note ?? '',
    ]),
  );
  return (
    `${table}\n\n` +
    (result.redeliver > 0
      ? `group ${result.group} moved back on ${result.topic}: ${result.redeliver} record(s) will be delivered again when the service starts`
      : `group ${result.group} not moved: nothing to re-deliver on ${result.topic}`)
  );
}

export function renderRepublish(result: RepublishResult): string {
  const table = renderTable(
    ['partition', 'from', 'to (excl.)', 'republished'],
    result.partitions.map((p) => [String(p.partition), p.from, p.to, String(p.republished)]),
  );
  return `${table}\n\n${result.republished} record(s) republished on ${result.topic}`;
}
