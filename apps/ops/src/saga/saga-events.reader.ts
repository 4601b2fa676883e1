import { ConsumerGroups, deadLetterTopicOf, Topics } from '@app/contracts';
import { DeadLetterHeaders } from '@app/messaging';
import { parseCloudEvent } from '../kafka/cloud-event';
import { OpsKafka } from '../kafka/ops-kafka';
import { headerText, TopicScanner } from '../kafka/topic-scanner';
import { belongsToSaga, SagaDeadLetter, SagaEvent, stillDead } from './saga-story';

export interface SagaRecords {
  events: SagaEvent[];
  deadLetters: SagaDeadLetter[];
  scanned: number;
}

/**
 * Reads every saga topic and every dead-letter topic from the beginning up to now and keeps what
 * belongs to one order: correlated to it, or naming it in its data.
 */
export class SagaEventsReader {
  private readonly scanner: TopicScanner;

  constructor(private readonly kafka: OpsKafka) {
    this.scanner = new TopicScanner(kafka);
  }

  async read(
    orderId: string,
    onProgress?: (read: number, total: number) => void,
  ): Promise<SagaRecords> {
    const sagaTopics = Object.values(Topics).map((t) => this.kafka.physical(t));
    const deadLetterTopics = Object.values(ConsumerGroups).map((g) =>
      this.kafka.physical(deadLetterTopicOf(g)),
    );
    const topics = [...sagaTopics, ...deadLetterTopics];
    await this.kafka.requireTopics(topics);
    const deadLetterTopicSet = new Set(deadLetterTopics);

    const events: SagaEvent[] = [];
    const deadLetters: SagaDeadLetter[] = [];
    const ranges = await this.scanner.wholeTopics(topics);
    const result = await this.scanner.scan(ranges, {
      onProgress,
      onRecord: (record) => {
        const event = parseCloudEvent(record.value);
        if (
          !event ||
          !belongsToSaga({ correlationId: event.correlationid, data: event.data }, orderId)
        )
          return;
        if (deadLetterTopicSet.has(record.topic)) {
          const group =
            headerText(record.headers, DeadLetterHeaders.ConsumerGroup) ??
            this.kafka.logical(record.topic);
          deadLetters.push({
            id: `${group}:${record.partition}:${record.offset}`,
            group,
            type: event.type,
            eventId: event.id,
            errorCode: headerText(record.headers, DeadLetterHeaders.ErrorCode),
            reason: headerText(record.headers, DeadLetterHeaders.Reason),
            failedAt: headerText(record.headers, DeadLetterHeaders.FailedAt),
          });
          return;
        }
        events.push({
          id: event.id,
          type: event.type,
          source: event.source,
          time: event.time,
          correlationId: event.correlationid,
          ...(event.causationid ? { causationId: event.causationid } : {}),
          topic: this.kafka.logical(record.topic),
          partition: record.partition,
          offset: record.offset,
          data: event.data,
        });
      },
    });
    // A redelivered event (same id on the topic twice: a replay, a redrive) is one event of the story.
    const unique = [...new Map(events.map((e) => [e.id, e])).values()];
    return {
      events: unique,
      deadLetters: stillDead(deadLetters, unique),
      scanned: result.read,
    };
  }
}
