import { OpsKafka } from '../kafka/ops-kafka';
import { ServiceApi } from '../services/service-api';
import { SagaEventsReader } from './saga-events.reader';
import { SagaReport } from './saga.printer';
import { storyOf, verdictOf } from './saga-story';
import { ServiceStateReader } from './service-state.reader';

/**
 * The story of one saga as `ops saga` and the console tell it: every event on every topic, its dead
 * letters, each service's state (through its HTTP API, with the caller's token) and a verdict.
 */
export class InspectSaga {
  constructor(
    private readonly kafka: OpsKafka,
    private readonly api: ServiceApi,
  ) {}

  async execute(
    orderId: string,
    options: { now: Date; stuckAfterMs: number },
    onProgress?: (read: number, total: number) => void,
  ): Promise<SagaReport> {
    const [records, services] = await Promise.all([
      new SagaEventsReader(this.kafka).read(orderId, onProgress),
      new ServiceStateReader(this.api).read(orderId),
    ]);
    return {
      orderId,
      events: storyOf(records.events),
      deadLetters: records.deadLetters,
      services,
      verdict: verdictOf(records.events, records.deadLetters, options.now, options.stuckAfterMs),
      scannedRecords: records.scanned,
    };
  }
}
