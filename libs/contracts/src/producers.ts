import { TopicName, Topics } from './topics';

/** The CloudEvents `source` of each producer of the saga's events. */
export const EventSources = {
  /** The upstream billing system (payments and refund settlements it signs). */
  UpstreamBilling: 'upstream-billing',
  Billing: 'poly.reactivation.billing',
  Eligibility: 'poly.reactivation.eligibility',
  Licensing: 'poly.reactivation.licensing',
  Notifications: 'poly.reactivation.notifications',
} as const;

export type EventSource = (typeof EventSources)[keyof typeof EventSources];

/**
 * Each topic has exactly one producer: a consumer refuses (dead letter, WRONG_PRODUCER) an event
 * whose `source` is not its topic's one. It does not authenticate anybody (a client of the broker
 * may write any `source`; ACLs do that): it stops a service's event from being taken for
 * another's, and a misrouted or hand-made event from passing unnoticed.
 */
export const TOPIC_PRODUCERS: Readonly<Record<TopicName, EventSource>> = {
  [Topics.BillingPayments]: EventSources.UpstreamBilling,
  [Topics.BillingRefunds]: EventSources.Billing,
  [Topics.ReactivationBilling]: EventSources.Billing,
  [Topics.ReactivationEligibility]: EventSources.Eligibility,
  [Topics.ReactivationLicensing]: EventSources.Licensing,
  [Topics.ReactivationNotifications]: EventSources.Notifications,
  [Topics.LicensingActivations]: EventSources.Licensing,
  [Topics.LicensingAccounts]: EventSources.Licensing,
};

/** The `source` every event on `topic` must carry. */
export function producerSourceOf(topic: TopicName): EventSource {
  return TOPIC_PRODUCERS[topic];
}
