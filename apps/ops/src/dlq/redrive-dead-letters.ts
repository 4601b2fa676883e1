import { ExitCodes, OpsError } from '../cli/ops-error';
import { OpsKafka } from '../kafka/ops-kafka';
import { DeadLetterFilter, matchesFilter, redriveHeaders } from './dead-letter';
import { DeadLetterReader, DeadLetterRecord } from './dead-letter.reader';
import { REDRIVE_MARKER_TOPIC, RedriveMarker } from './redrive-marker';

export interface RedriveCommand {
  groups: string[];
  filter: DeadLetterFilter;
  dryRun: boolean;
  /** Who asks (recorded on each marker): `cli:<OS user>`, or the console's signed-in token. */
  by: string;
}

export interface RedriveOutcome {
  id: string;
  originTopic: string;
  eventType?: string;
  errorCode: string;
  /** REDRIVEN (sent), WOULD_REDRIVE (dry run) or SKIPPED (already redriven). */
  action: 'REDRIVEN' | 'WOULD_REDRIVE' | 'SKIPPED';
  redrivenAt?: string;
  /** Where the record landed (REDRIVEN). */
  partition?: number;
  offset?: string;
}

export interface RedriveResult {
  dryRun: boolean;
  matched: number;
  redriven: number;
  skipped: number;
  outcomes: RedriveOutcome[];
}

/**
 * Sends dead letters back to the topic they were consumed from, byte for byte (value, key, the
 * original headers) so the service handles them again; each one at most once: a marker keyed by
 * the dead-letter id is written after the record, and ids with a marker are skipped.
 *
 * The record goes first and the marker second: a crash in between re-sends the record at the next
 * redrive, which the consumers' inbox absorbs (same event id), instead of losing it.
 */
export class RedriveDeadLetters {
  constructor(
    private readonly kafka: OpsKafka,
    private readonly reader: DeadLetterReader = new DeadLetterReader(kafka),
  ) {}

  async execute(
    command: RedriveCommand,
    now: () => Date,
    onProgress?: (done: number, total: number) => void,
  ): Promise<RedriveResult> {
    const all = await this.reader.list(command.groups);
    const matched = all.filter(({ letter }) => matchesFilter(letter, command.filter));
    const outcomes: RedriveOutcome[] = [];
    const toSend = matched.filter(({ letter }) => !letter.redrivenAt);
    for (const { letter } of matched.filter(({ letter }) => letter.redrivenAt)) {
      outcomes.push({ ...this.describe(letter), action: 'SKIPPED', redrivenAt: letter.redrivenAt });
    }
    if (command.dryRun) {
      for (const { letter } of toSend)
        outcomes.push({ ...this.describe(letter), action: 'WOULD_REDRIVE' });
      return this.result(command, matched.length, outcomes);
    }

    if (toSend.length > 0) {
      await this.ensureMarkerTopic();
      const originTopics = [
        ...new Set(
          toSend.map(({ letter }) =>
            this.kafka.physical(this.originOf(letter.originTopic, letter.id)),
          ),
        ),
      ];
      await this.kafka.requireTopics(originTopics);
    }
    const producer = await this.kafka.producer();
    let done = 0;
    onProgress?.(0, toSend.length);
    for (const { letter, record } of toSend) {
      const at = now();
      const [sent] = await producer.send({
        topic: this.kafka.physical(letter.originTopic),
        acks: -1,
        messages: [
          {
            key: record.key,
            value: record.value,
            headers: redriveHeaders(record.headers, letter.previousRedrives, at),
            // Keeps the time the record first entered Kafka (freshness checks such as the upstream
            // signature's are judged against it), as close as the dead letter knows it.
            timestamp: record.timestamp,
          },
        ],
      });
      const marker: RedriveMarker = {
        deadLetterId: letter.id,
        redrivenAt: at.toISOString(),
        topic: letter.originTopic,
        partition: sent.partition,
        offset: sent.baseOffset ?? '',
        by: command.by,
      };
      await producer.send({
        topic: this.kafka.physical(REDRIVE_MARKER_TOPIC),
        acks: -1,
        messages: [{ key: letter.id, value: JSON.stringify(marker) }],
      });
      outcomes.push({
        ...this.describe(letter),
        action: 'REDRIVEN',
        redrivenAt: marker.redrivenAt,
        partition: marker.partition,
        offset: marker.offset,
      });
      onProgress?.(++done, toSend.length);
    }
    return this.result(command, matched.length, outcomes);
  }

  private originOf(originTopic: string, id: string): string {
    if (!originTopic) {
      throw new OpsError(
        `dead letter ${id} does not say which topic it came from (no dlq-origin-topic header)`,
        'exclude it with --filter, or re-publish it by hand',
        ExitCodes.Failure,
      );
    }
    return originTopic;
  }

  private describe(letter: DeadLetterRecord['letter']): Omit<RedriveOutcome, 'action'> {
    return {
      id: letter.id,
      originTopic: letter.originTopic,
      errorCode: letter.errorCode,
      ...(letter.eventType ? { eventType: letter.eventType } : {}),
    };
  }

  private result(
    command: RedriveCommand,
    matched: number,
    outcomes: RedriveOutcome[],
  ): RedriveResult {
    return {
      dryRun: command.dryRun,
      matched,
      redriven: outcomes.filter((o) => o.action === 'REDRIVEN').length,
      skipped: outcomes.filter((o) => o.action === 'SKIPPED').length,
      outcomes,
    };
  }

  private async ensureMarkerTopic(): Promise<void> {
    const admin = await this.kafka.admin();
    const topic = this.kafka.physical(REDRIVE_MARKER_TOPIC);
    if ((await admin.listTopics()).includes(topic)) return;
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic,
            numPartitions: 1,
            replicationFactor: -1,
            configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
          },
        ],
      });
    } catch (error) {
      // Created meanwhile by another redrive: fine.
      if (!(await admin.listTopics()).includes(topic)) throw error;
    }
  }
}
