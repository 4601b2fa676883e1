import { producerSourceOf } from '@app/contracts';
import { MessageHandler } from '@nestjs/microservices';
import { KafkaMessage } from 'kafkajs';
import { DecodedEvent, parseValue, validateEvent } from '../envelope/event-decoder';
import { DecodeError } from '../errors';
import { MessagingOptions } from '../kafka/messaging.config';
import { RecordOrigin } from './event-context';
import { OriginSeal } from './origin-seal';

/** How the records of one event type are handled: one call per record, or per run of records. */
export interface EventHandler {
  handle: MessageHandler;
  batched: boolean;
  /** The batch handler's name when it takes several event types (OnEvents): one run for them. */
  batchHandler?: string;
}

/** One record of a batch, decoded (or not) before any database work. */
export interface InboundRecord {
  origin: RecordOrigin;
  message: KafkaMessage;
  decoded?: DecodedEvent;
  /** Why the record is not an event this consumer accepts: it is dead-lettered. */
  failure?: DecodeError;
  handler?: EventHandler;
}

/**
 * Turns a Kafka record into an InboundRecord: its origin (with the original append time when a
 * redriven record carries a valid seal), authenticated by the service's hook, decoded against
 * its contract, and from its topic's one producer.
 */
export class RecordDecoder {
  constructor(
    private readonly seal: OriginSeal,
    private readonly authenticate: MessagingOptions['authenticate'],
    private readonly handlerOf: (type: string) => EventHandler | undefined,
  ) {}

  decode(topic: string, partition: number, message: KafkaMessage): InboundRecord {
    const origin: RecordOrigin = {
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? null,
      appendedAt:
        this.seal.originalAppendTime(topic, message) ?? new Date(Number(message.timestamp)),
    };
    try {
      // Parsed once, for the hook and the contract (a value that is not JSON is the hook's to
      // judge first: a forged record is UNAUTHENTICATED whatever it holds).
      let parsed: unknown;
      let notJson: DecodeError | undefined;
      try {
        parsed = parseValue(message.value);
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        notJson = error;
      }
      this.authenticate?.(origin, message, parsed);
      if (notJson) throw notJson;
      const decoded = validateEvent(topic, parsed);
      const producer = producerSourceOf(decoded.contract.topic);
      if (decoded.event.source !== producer) {
        throw new DecodeError(
          'WRONG_PRODUCER',
          `${decoded.contract.type} from source "${decoded.event.source}" refused: ` +
            `${topic} is produced by "${producer}" only`,
        );
      }
      return { origin, message, decoded, handler: this.handlerOf(decoded.contract.type) };
    } catch (error) {
      if (error instanceof DecodeError) return { origin, message, failure: error };
      throw error;
    }
  }
}
