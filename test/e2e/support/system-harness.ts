/**
 * One running system for a spec file: the four services, a recorder of every topic, a publisher
 * playing upstream, and the fake upstream billing settling every refund.
 */
import { ConsumerGroups, deadLetterTopicOf, Topics } from '@app/contracts';
import { ServiceName, TestPublisher, TestSystem, TopicRecorder } from '@app/testing';
import { FakeUpstreamBilling } from './fake-upstream-billing';
import { SagaDriver } from './saga-driver';

export const DEAD_LETTER_TOPICS = Object.values(ConsumerGroups).map(deadLetterTopicOf);

export class SystemHarness {
  private constructor(
    readonly sys: TestSystem,
    readonly recorder: TopicRecorder,
    readonly publisher: TestPublisher,
    readonly upstream: FakeUpstreamBilling,
    readonly driver: SagaDriver,
  ) {}

  static async start(
    perService: Partial<Record<ServiceName, Record<string, string>>> = {},
  ): Promise<SystemHarness> {
    const sys = await TestSystem.start({
      perService: {
        ...perService,
        // Scheduled activations are looked for often, so a window's start is met within 0.2 s.
        licensing: { ACTIVATION_SWEEP_MS: '200', ...perService.licensing },
      },
    });
    const recorder = await TopicRecorder.start(sys.prefix, [
      ...Object.values(Topics),
      ...DEAD_LETTER_TOPICS,
    ]);
    const publisher = await TestPublisher.connect(sys.prefix);
    const upstream = new FakeUpstreamBilling(recorder, publisher).start();
    return new SystemHarness(
      sys,
      recorder,
      publisher,
      upstream,
      new SagaDriver(sys, recorder, publisher),
    );
  }

  /** Records on any dead-letter topic: a saga that ran as designed leaves none. */
  deadLetters(): string[] {
    return this.recorder.records
      .filter((r) => DEAD_LETTER_TOPICS.includes(r.topic))
      .map(
        (r) =>
          `${r.topic}: ${r.headers['dlq-reason'] ?? ''} ${r.value?.toString('utf8').slice(0, 300)}`,
      );
  }

  async stop(): Promise<void> {
    await this.upstream?.stop();
    await this.publisher?.disconnect();
    await this.recorder?.stop();
    await this.sys?.stop();
  }
}
