import {
  Equals,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';

export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const JSON_CONTENT_TYPE = 'application/json';

/**
 * A CloudEvents 1.0 event in structured JSON mode, with the saga's extensions:
 * `correlationid` (the orderId, for the whole saga), `causationid` (the event that caused this
 * one) and `traceparent` (W3C trace context).
 */
export interface CloudEvent<T = unknown> {
  specversion: typeof CLOUDEVENTS_SPEC_VERSION;
  id: string;
  source: string;
  type: string;
  time: string;
  subject: string;
  datacontenttype: typeof JSON_CONTENT_TYPE;
  dataschema: string;
  correlationid: string;
  causationid?: string;
  traceparent?: string;
  data: T;
}

/** Validation of the envelope itself; the data is validated against its contract class. */
export class CloudEventEnvelope implements CloudEvent<Record<string, unknown>> {
  @Equals(CLOUDEVENTS_SPEC_VERSION) specversion!: '1.0';
  @IsString() @IsNotEmpty() @MaxLength(200) id!: string;
  @IsString() @IsNotEmpty() @MaxLength(200) source!: string;
  @IsString() @IsNotEmpty() @MaxLength(100) type!: string;
  @IsISO8601({ strict: true }) time!: string;
  @IsString() @IsNotEmpty() @MaxLength(200) subject!: string;
  @Equals(JSON_CONTENT_TYPE) datacontenttype!: 'application/json';
  @IsString() @Matches(/^urn:poly:reactivation:[A-Za-z]+:v\d+$/) dataschema!: string;
  @IsString() @IsNotEmpty() @MaxLength(200) correlationid!: string;
  @IsOptional() @IsString() @MaxLength(200) causationid?: string;
  @IsOptional()
  @Matches(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
  traceparent?: string;
  @IsObject() data!: Record<string, unknown>;
}

/** The data version named by a `dataschema` (1 for `urn:poly:reactivation:OrderPaid:v1`). */
export function dataVersionOf(dataschema: string): number {
  const match = /:v(\d+)$/.exec(dataschema);
  return match ? Number(match[1]) : NaN;
}
