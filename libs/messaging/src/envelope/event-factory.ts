import { randomFillSync, randomUUID } from 'node:crypto';
import {
  CLOUDEVENTS_SPEC_VERSION,
  CloudEvent,
  dataSchemaOf,
  EventContract,
  JSON_CONTENT_TYPE,
} from '@app/contracts';

/** Where an event comes from: the service, and the event or request that caused it. */
export interface EventOrigin {
  source: string;
  /** The event being handled, if any: gives causation, correlation and trace. */
  cause?: CloudEvent;
  /** The saga's correlation id (the orderId) when there is no cause to inherit it from. */
  correlationId?: string;
}

/** Every event's data names its account: the Kafka key and the CloudEvents subject. */
export interface AccountScoped {
  accountId: string;
}

export function createEvent<C extends EventContract>(
  contract: C,
  data: InstanceType<C> & AccountScoped,
  origin: EventOrigin,
  time: Date,
): CloudEvent<InstanceType<C>> {
  const correlationid = origin.correlationId ?? origin.cause?.correlationid;
  if (!correlationid) {
    throw new Error(`${contract.type} needs a correlation id (a cause or an explicit one)`);
  }
  return {
    specversion: CLOUDEVENTS_SPEC_VERSION,
    id: randomUUID(),
    source: origin.source,
    type: contract.type,
    time: time.toISOString(),
    subject: data.accountId,
    datacontenttype: JSON_CONTENT_TYPE,
    dataschema: dataSchemaOf(contract),
    correlationid,
    causationid: origin.cause?.id,
    traceparent: childTraceparent(origin.cause?.traceparent),
    data,
  };
}

/** W3C trace context: keep the trace id of the cause, new span id for this event. */
export function childTraceparent(parent: string | undefined): string {
  const traceId = parent?.split('-')[1] ?? randomHex(16);
  return `00-${traceId}-${randomHex(8)}-01`;
}

/**
 * Random bytes drawn from a pool refilled 4 KiB at a time (as randomUUID does): a randomBytes
 * call per span id cost more than the rest of the event's making.
 */
const pool = Buffer.alloc(4096);
let used = pool.length;

function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += bytes;
  return pool.toString('hex', used - bytes, used);
}
