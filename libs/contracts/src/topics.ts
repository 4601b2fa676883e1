/**
 * Every Kafka topic of the saga, named once. Call sites use these constants, never string literals.
 * The physical name on the broker is `${KAFKA_TOPIC_PREFIX}${name}` (empty prefix in production;
 * tests give each run its own prefix so runs cannot see each other's events).
 */
export const Topics = {
  BillingPayments: 'billing.payments.v1',
  BillingRefunds: 'billing.refunds.v1',
  ReactivationBilling: 'reactivation.billing.v1',
  ReactivationEligibility: 'reactivation.eligibility.v1',
  ReactivationLicensing: 'reactivation.licensing.v1',
  ReactivationNotifications: 'reactivation.notifications.v1',
  LicensingActivations: 'licensing.activations.v1',
  LicensingAccounts: 'licensing.accounts.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** The consumer group of each service; each group has its own dead-letter topic. */
export const ConsumerGroups = {
  Billing: 'reactivation-billing',
  Eligibility: 'reactivation-eligibility',
  Licensing: 'reactivation-licensing',
  Notifications: 'reactivation-notifications',
} as const;

export type ConsumerGroup = (typeof ConsumerGroups)[keyof typeof ConsumerGroups];

export function deadLetterTopicOf(group: string): string {
  return `${group}.dlq.v1`;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  config: Record<string, string>;
}

export const DEFAULT_PARTITIONS = 6;

const SAGA_TOPIC_CONFIG: Partial<Record<TopicName, Record<string, string>>> = {
  [Topics.LicensingAccounts]: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '0' },
  // Upstream signatures are judged fresh against when the broker appended the record: with
  // LogAppendTime the broker writes that time itself, so a producer cannot choose it.
  [Topics.BillingPayments]: {
    'cleanup.policy': 'delete',
    'message.timestamp.type': 'LogAppendTime',
  },
};

/**
 * Largest record a dead-letter topic takes. A dead letter is the original record, byte for byte,
 * plus the runtime's headers, and the original may be as large as its topic allows or, compressed,
 * larger once decompressed: its dead-letter topic takes 8 times the broker's default (1 MB).
 */
export const DEAD_LETTER_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

/** Whether a (logical or physical) topic is a consumer group's dead-letter topic. */
export function isDeadLetterTopic(topic: string): boolean {
  return topic.endsWith('.dlq.v1');
}

/** What the broker must hold: every saga topic, the compacted accounts topic and the dead letters. */
export function topicSpecs(
  partitions = DEFAULT_PARTITIONS,
  extraGroups: string[] = [],
): TopicSpec[] {
  const saga = Object.values(Topics).map((name): TopicSpec => ({
    name,
    partitions,
    config: SAGA_TOPIC_CONFIG[name] ?? { 'cleanup.policy': 'delete' },
  }));
  const groups = [...Object.values(ConsumerGroups), ...extraGroups];
  const deadLetters = groups.map((group): TopicSpec => ({
    name: deadLetterTopicOf(group),
    partitions,
    config: {
      'cleanup.policy': 'delete',
      'retention.ms': String(30 * 24 * 3600 * 1000),
      'max.message.bytes': String(DEAD_LETTER_MAX_MESSAGE_BYTES),
    },
  }));
  return [...saga, ...deadLetters];
}
