import {
  CloudEvent,
  CloudEventEnvelope,
  contractOf,
  dataVersionOf,
  EventContract,
  TopicName,
} from '@app/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { DecodeError } from '../errors';

export interface DecodedEvent {
  contract: EventContract;
  event: CloudEvent<object>;
}

/**
 * Turns a record's raw value into a validated event of a known contract, or says exactly why not.
 * Unknown fields are dropped (whitelist) so producers can add fields without breaking consumers;
 * a newer data version of a known type is accepted as long as it still satisfies our contract.
 */
export function decodeEvent(topic: TopicName | string, value: Buffer | null): DecodedEvent {
  if (!value || value.length === 0) throw new DecodeError('NOT_JSON', 'empty record value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (error) {
    throw new DecodeError('NOT_JSON', `value is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DecodeError('NOT_JSON', 'value is not a JSON object');
  }

  // The envelope has no nested classes: a shallow instance validates the same as
  // plainToInstance, which would also deep-copy `data` (converted again just below).
  const envelope = Object.assign(new CloudEventEnvelope(), parsed);
  const envelopeErrors = validateSync(envelope, { whitelist: true });
  if (envelopeErrors.length > 0) {
    throw new DecodeError('INVALID_ENVELOPE', describe(envelopeErrors));
  }

  const contract = contractOf(envelope.type);
  if (!contract)
    throw new DecodeError('UNKNOWN_EVENT_TYPE', `unknown event type "${envelope.type}"`);
  if (contract.topic !== topic) {
    throw new DecodeError('WRONG_TOPIC', `${contract.type} does not belong on ${topic}`);
  }
  const version = dataVersionOf(envelope.dataschema);
  if (!(version >= 1)) {
    throw new DecodeError('UNSUPPORTED_VERSION', `bad dataschema "${envelope.dataschema}"`);
  }

  const data: object = plainToInstance(contract, envelope.data);
  const dataErrors = validateSync(data, { whitelist: true });
  if (dataErrors.length > 0) throw new DecodeError('INVALID_DATA', describe(dataErrors));

  return { contract, event: { ...(envelope as CloudEvent<object>), data } };
}

function describe(errors: ValidationError[], path = ''): string {
  return errors
    .flatMap((error) => {
      const at = path ? `${path}.${error.property}` : error.property;
      const own = Object.values(error.constraints ?? {}).map((message) =>
        message.replace(error.property, at),
      );
      return [...own, ...(error.children?.length ? [describe(error.children, at)] : [])];
    })
    .join('; ');
}
