import { formatDuration, renderTable } from '../cli/table';
import { ServiceState } from './service-state.reader';
import { SagaDeadLetter, StoryLine, Verdict } from './saga-story';

export interface SagaReport {
  orderId: string;
  events: StoryLine[];
  deadLetters: SagaDeadLetter[];
  services: ServiceState[];
  verdict: Verdict;
  scannedRecords: number;
}

export function renderSaga(report: SagaReport): string {
  const lines: string[] = [`Saga of order ${report.orderId}`, ''];
  if (report.events.length === 0) {
    lines.push('(no events)');
  } else {
    lines.push(
      renderTable(
        ['time', 'type', 'source', 'id', 'caused by'],
        report.events.map((e) => [
          e.time,
          e.type,
          e.source,
          e.id,
          e.causedBy
            ? `caused by ${e.causedBy}`
            : e.causationId
              ? `caused by ${e.causationId}`
              : '',
        ]),
      ),
    );
  }
  if (report.deadLetters.length > 0) {
    lines.push('', 'Dead letters of this saga:');
    lines.push(
      renderTable(
        ['id', 'type', 'code', 'reason'],
        report.deadLetters.map((d) => [d.id, d.type ?? '', d.errorCode ?? '', d.reason ?? '']),
      ),
    );
  }
  lines.push('', 'Current state:');
  lines.push(
    renderTable(
      ['service', 'status', 'details'],
      report.services.map((s) => [
        s.service,
        s.status ?? '-',
        s.note ?? describeFields(s.fields ?? {}),
      ]),
    ),
  );
  const v = report.verdict;
  lines.push('', `Verdict: ${v.summary}`);
  if (v.state !== 'FINISHED' && v.state !== 'NOT_FOUND' && v.waitingMs !== undefined) {
    lines.push(
      `  last stage: ${v.stage} at ${v.since} (${formatDuration(v.waitingMs)} ago); next: ${v.nextActor}`,
    );
  }
  return lines.join('\n');
}

function describeFields(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .filter(
      ([name, value]) =>
        value !== null &&
        name !== 'status' &&
        name !== 'state' &&
        !(Array.isArray(value) && value.length === 0),
    )
    .map(([name, value]) => `${name}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join(' ');
}
