import { EventSource, EventSources, TOPIC_PRODUCERS } from './producers';
import { ConsumerGroups, deadLetterTopicOf, TopicName, Topics } from './topics';

/** Any topic or any group (ops only). */
export const ANY = '*';

/**
 * One client of the broker: a SCRAM user, the consumer groups it may join and the topics it may
 * read and write. A principal may do nothing else: the broker refuses whatever no ACL allows.
 */
export interface KafkaPrincipal {
  user: string;
  groups: readonly string[];
  reads: readonly string[];
  writes: readonly string[];
  /** Operations on its groups beyond joining them and committing offsets (ops deletes groups). */
  groupOperations?: readonly ('Delete' | 'Describe' | 'Read')[];
}

/** The topics whose one producer (libs/contracts TOPIC_PRODUCERS) is `source`. */
function producedBy(source: EventSource): TopicName[] {
  return (Object.keys(TOPIC_PRODUCERS) as TopicName[]).filter(
    (topic) => TOPIC_PRODUCERS[topic] === source,
  );
}

/** A service: its group, what it consumes, and its own topics and dead letters. */
function service(
  user: string,
  source: EventSource,
  group: string,
  reads: TopicName[],
): KafkaPrincipal {
  return {
    user,
    groups: [group],
    reads,
    writes: [...producedBy(source), deadLetterTopicOf(group)],
  };
}

/**
 * Who may read and write what on the broker: the one table that both the local secure broker
 * (`KAFKA_SECURE=true bash scripts/kafka/kafka.sh start`) and compose (`docker/compose.yaml`)
 * apply as ACLs (`scripts/kafka/create-acls.ts`). Each service writes only the topics it is the
 * producer of, so no other client can publish its events.
 */
export const KAFKA_ACCESS: readonly KafkaPrincipal[] = [
  service('billing', EventSources.Billing, ConsumerGroups.Billing, [
    Topics.BillingPayments,
    Topics.ReactivationEligibility,
    Topics.ReactivationLicensing,
  ]),
  service('eligibility', EventSources.Eligibility, ConsumerGroups.Eligibility, [
    Topics.ReactivationBilling,
    Topics.LicensingAccounts,
  ]),
  service('licensing', EventSources.Licensing, ConsumerGroups.Licensing, [
    Topics.ReactivationEligibility,
  ]),
  service('notifications', EventSources.Notifications, ConsumerGroups.Notifications, [
    Topics.ReactivationBilling,
    Topics.ReactivationEligibility,
    Topics.ReactivationLicensing,
  ]),
  // The upstream billing system: sends signed payments and settlements, reads refund requests.
  {
    user: 'upstream-billing',
    groups: ['upstream-billing'],
    reads: [Topics.BillingRefunds],
    writes: producedBy(EventSources.UpstreamBilling),
  },
  // The ops CLI reads every topic (saga, dlq list/show, lag), redrives and replays onto them and
  // moves or deletes the services' group offsets (replay): the operator's credential.
  { user: 'ops', groups: [ANY], reads: [ANY], writes: [ANY], groupOperations: ['Delete'] },
];

/** One ACL: `operations` allowed to `User:<user>` on a literal topic or group name (or `*`). */
export interface KafkaAcl {
  user: string;
  resource: 'topic' | 'group';
  name: string;
  operations: ('Read' | 'Write' | 'Describe' | 'Delete')[];
}

/**
 * The ACLs of the table on a broker whose names carry `prefix` (tests' KAFKA_TOPIC_PREFIX; empty
 * in production). `*` stays `*`.
 */
export function kafkaAcls(
  prefix = '',
  access: readonly KafkaPrincipal[] = KAFKA_ACCESS,
): KafkaAcl[] {
  const named = (name: string) => (name === ANY ? ANY : prefix + name);
  return access.flatMap((p) => [
    ...p.groups.map((group): KafkaAcl => ({
      user: p.user,
      resource: 'group',
      name: named(group),
      operations: ['Read', 'Describe', ...(p.groupOperations ?? [])],
    })),
    ...p.reads.map((topic): KafkaAcl => ({
      user: p.user,
      resource: 'topic',
      name: named(topic),
      operations: ['Read', 'Describe'],
    })),
    ...p.writes.map((topic): KafkaAcl => ({
      user: p.user,
      resource: 'topic',
      name: named(topic),
      operations: ['Write', 'Describe'],
    })),
  ]);
}
