import { deadLetterTopicOf } from '@app/contracts';
import { DeadLetterHeaders } from '@app/messaging';
import { ExitCodes, OpsError } from '../cli/ops-error';
import { parseCloudEvent } from '../kafka/cloud-event';
import { OpsKafka } from '../kafka/ops-kafka';
import { headerText, ScannedRecord, TopicScanner } from '../kafka/topic-scanner';
import { DeadLetter, deadLetterIdOf, parseDeadLetterId } from './dead-letter';
import { REDRIVE_MARKER_TOPIC, RedriveMarker } from './redrive-marker';

/** A dead letter with the record it came from (its bytes, for a redrive). */
export interface DeadLetterRecord {
  letter: DeadLetter;
  record: ScannedRecord;
}

type OnProgress = (read: number, total: number) => void;

/** Reads the dead-letter topics of consumer groups and ops' redrive markers. */
export class DeadLetterReader {
  private readonly scanner: TopicScanner;

  constructor(private readonly kafka: OpsKafka) {
    this.scanner = new TopicScanner(kafka);
  }

  /** Every dead letter of these groups, oldest first per partition, with its redrive status. */
  async list(groups: string[], onProgress?: OnProgress): Promise<DeadLetterRecord[]> {
    const topics = groups.map((group) => this.kafka.physical(deadLetterTopicOf(group)));
    await this.kafka.requireTopics(topics);
    const found: DeadLetterRecord[] = [];
    await this.scanner.scan(await this.scanner.wholeTopics(topics), {
      onProgress,
      onRecord: (record) => {
        found.push({ letter: this.toDeadLetter(record), record });
      },
    });
    const markers = await this.markers();
    for (const { letter } of found) {
      const marker = markers.get(letter.id);
      if (marker) markRedriven(letter, marker);
    }
    return found;
  }

  /** One dead letter by id (`<group>:<partition>:<offset>`). */
  async get(id: string): Promise<DeadLetterRecord> {
    const { group, partition, offset } = parseDeadLetterId(id);
    const topic = this.kafka.physical(deadLetterTopicOf(group));
    await this.kafka.requireTopics([topic]);
    const offsets = await (await this.kafka.admin()).fetchTopicOffsets(topic);
    const bounds = offsets.find((o) => o.partition === partition);
    const wanted = BigInt(offset);
    if (!bounds || wanted < BigInt(bounds.low) || wanted >= BigInt(bounds.high)) {
      throw new OpsError(
        `no dead letter ${id}` +
          (bounds
            ? ` (partition ${partition} holds offsets ${bounds.low}..${BigInt(bounds.high) - 1n})`
            : ''),
        'list the dead letters with `dlq list` and use an id from there',
        ExitCodes.Failure,
      );
    }
    let found: ScannedRecord | undefined;
    await this.scanner.scan([{ topic, partition, from: wanted, to: wanted + 1n }], {
      onRecord: (record) => {
        found ??= record;
      },
    });
    if (!found || found.offset !== offset) {
      throw new OpsError(
        `dead letter ${id} is no longer on the topic`,
        'it was removed by retention; nothing to do',
        ExitCodes.Failure,
      );
    }
    const letter = this.toDeadLetter(found);
    const marker = (await this.markers()).get(letter.id);
    if (marker) markRedriven(letter, marker);
    return { letter, record: found };
  }

  /** Redrive markers by dead-letter id (none when the marker topic does not exist yet). */
  async markers(onProgress?: OnProgress): Promise<Map<string, RedriveMarker>> {
    const topic = this.kafka.physical(REDRIVE_MARKER_TOPIC);
    const existing = new Set(await (await this.kafka.admin()).listTopics());
    const markers = new Map<string, RedriveMarker>();
    if (!existing.has(topic)) return markers;
    await this.scanner.scan(await this.scanner.wholeTopics([topic]), {
      onProgress,
      onRecord: (record) => {
        const id = record.key?.toString();
        if (!id || !record.value) return;
        try {
          markers.set(id, JSON.parse(record.value.toString('utf8')) as RedriveMarker);
        } catch {
          // not a marker: ignore
        }
      },
    });
    return markers;
  }

  private toDeadLetter(record: ScannedRecord): DeadLetter {
    const h = (name: string) => headerText(record.headers, name);
    const group = h(DeadLetterHeaders.ConsumerGroup) ?? this.groupOfTopic(record.topic);
    const event = parseCloudEvent(record.value);
    const originPartition = h(DeadLetterHeaders.OriginPartition);
    const attempts = h(DeadLetterHeaders.Attempts);
    return {
      id: deadLetterIdOf(group, record.partition, record.offset),
      group,
      partition: record.partition,
      offset: record.offset,
      key: record.key?.toString() ?? null,
      originTopic: h(DeadLetterHeaders.OriginTopic) ?? '',
      ...(originPartition !== undefined ? { originPartition: Number(originPartition) } : {}),
      ...(h(DeadLetterHeaders.OriginOffset) !== undefined
        ? { originOffset: h(DeadLetterHeaders.OriginOffset) }
        : {}),
      errorCode: h(DeadLetterHeaders.ErrorCode) ?? 'UNKNOWN',
      reason: h(DeadLetterHeaders.Reason) ?? '',
      ...(attempts !== undefined ? { attempts: Number(attempts) } : {}),
      ...(h(DeadLetterHeaders.FailedAt) !== undefined
        ? { failedAt: h(DeadLetterHeaders.FailedAt) }
        : {}),
      ...(event
        ? { eventType: event.type, eventId: event.id, correlationId: event.correlationid }
        : {}),
      previousRedrives: Number(h(DeadLetterHeaders.RedriveCount) ?? '0') || 0,
    };
  }

  private groupOfTopic(physicalTopic: string): string {
    return this.kafka.logical(physicalTopic).replace(/\.dlq\.v1$/, '');
  }
}

function markRedriven(letter: DeadLetter, marker: RedriveMarker): void {
  letter.redrivenAt = marker.redrivenAt;
  if (marker.by) letter.redrivenBy = marker.by;
}
