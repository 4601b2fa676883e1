// The event classes' class-validator decorators need the Reflect metadata API at import time.
import 'reflect-metadata';
export * from './topics';
export * from './producers';
export * from './reason-codes';
export * from './envelope';
export * from './catalog';
export * from './saga-stages';
export * from './signature';
export * from './events/ids';
export * from './events/common';
export * from './events/billing-payments.events';
export * from './events/billing-refunds.events';
export * from './events/reactivation-billing.events';
export * from './events/reactivation-eligibility.events';
export * from './events/reactivation-licensing.events';
export * from './events/reactivation-notifications.events';
export * from './events/licensing-activations.events';
export * from './events/licensing-accounts.events';
