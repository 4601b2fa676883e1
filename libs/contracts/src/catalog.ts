import { PaymentCaptured, PaymentFailed, RefundSettled } from './events/billing-payments.events';
import { RefundRequested } from './events/billing-refunds.events';
import { AccountSnapshot } from './events/licensing-accounts.events';
import { LicenseReactivated, LicenseResuspended } from './events/licensing-activations.events';
import {
  ManualHandlingRequired,
  OrderFulfilled,
  OrderPaid,
  OrderRefunded,
  PaymentRejected,
} from './events/reactivation-billing.events';
import {
  EligibilityRejected,
  EligibilityReviewRequired,
  EligibilityVerified,
} from './events/reactivation-eligibility.events';
import {
  ActivationScheduled,
  EntitlementsRestored,
  ReactivationFailed,
} from './events/reactivation-licensing.events';
import {
  CustomerNotified,
  ReactivationStalled,
  SupportContactAssigned,
} from './events/reactivation-notifications.events';
import { TopicName } from './topics';

/** Every event of the system. Its class is its contract: name, topic, version and validated data. */
export const EVENT_CONTRACTS = [
  PaymentCaptured,
  PaymentFailed,
  RefundSettled,
  RefundRequested,
  OrderPaid,
  PaymentRejected,
  OrderFulfilled,
  OrderRefunded,
  ManualHandlingRequired,
  EligibilityVerified,
  EligibilityRejected,
  EligibilityReviewRequired,
  ActivationScheduled,
  EntitlementsRestored,
  ReactivationFailed,
  SupportContactAssigned,
  CustomerNotified,
  ReactivationStalled,
  LicenseReactivated,
  LicenseResuspended,
  AccountSnapshot,
] as const;

export type EventContractClass = (typeof EVENT_CONTRACTS)[number];
export type EventTypeName = EventContractClass['type'];

/** Shape every contract class has: data class constructor plus its static identity. */
export interface EventContract<T extends object = object> {
  new (): T;
  readonly type: string;
  readonly topic: TopicName;
  readonly version: number;
}

/** The data of an event, by its contract class. */
export type EventData<C extends EventContract> = InstanceType<C>;

/** The typed topic → events map, derived from the contracts so it cannot drift. */
export type EventsOnTopic<T extends TopicName> = Extract<EventContractClass, { topic: T }>;

const byType = new Map<string, EventContract>(EVENT_CONTRACTS.map((c) => [c.type, c]));

export function contractOf(type: string): EventContract | undefined {
  return byType.get(type);
}

export function contractsOnTopic(topic: TopicName): EventContract[] {
  return EVENT_CONTRACTS.filter((c) => c.topic === topic);
}

/** The CloudEvents `dataschema` of a contract: names the event and its data version. */
export function dataSchemaOf(contract: EventContract): string {
  return `urn:poly:reactivation:${contract.type}:v${contract.version}`;
}
