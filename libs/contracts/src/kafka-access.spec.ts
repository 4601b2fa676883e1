import { ANY, KAFKA_ACCESS, kafkaAcls } from './kafka-access';
import { TOPIC_PRODUCERS } from './producers';
import { ConsumerGroups, deadLetterTopicOf, TopicName, topicSpecs } from './topics';

const limited = KAFKA_ACCESS.filter((p) => !p.writes.includes(ANY));
const writersOf = (topic: string) =>
  limited.filter((p) => p.writes.includes(topic)).map((p) => p.user);

describe('who may read and write what on the broker', () => {
  it("lets each saga topic be written by its one producer's user only (and ops)", () => {
    const writers = Object.fromEntries(
      (Object.keys(TOPIC_PRODUCERS) as TopicName[]).map((t) => [t, writersOf(t)]),
    );
    expect(writers).toEqual({
      'billing.payments.v1': ['upstream-billing'],
      'billing.refunds.v1': ['billing'],
      'reactivation.billing.v1': ['billing'],
      'reactivation.eligibility.v1': ['eligibility'],
      'reactivation.licensing.v1': ['licensing'],
      'reactivation.notifications.v1': ['notifications'],
      'licensing.activations.v1': ['licensing'],
      'licensing.accounts.v1': ['licensing'],
    });
  });

  it('lets each service join its own group and write its own dead letters, nobody else', () => {
    for (const group of Object.values(ConsumerGroups)) {
      const members = limited.filter((p) => p.groups.includes(group)).map((p) => p.user);
      expect(members).toHaveLength(1);
      expect(writersOf(deadLetterTopicOf(group))).toEqual(members);
    }
  });

  it('names only topics that exist', () => {
    const topics = new Set(topicSpecs().map((s) => s.name));
    for (const p of limited) for (const t of [...p.reads, ...p.writes]) expect(topics).toContain(t);
  });

  it("puts the tests' prefix on every name but the wildcard", () => {
    const acls = kafkaAcls('t1.');
    expect(acls).toContainEqual({
      user: 'eligibility',
      resource: 'topic',
      name: 't1.reactivation.eligibility.v1',
      operations: ['Write', 'Describe'],
    });
    expect(acls).toContainEqual({
      user: 'ops',
      resource: 'group',
      name: '*',
      operations: ['Read', 'Describe', 'Delete'],
    });
  });
});
