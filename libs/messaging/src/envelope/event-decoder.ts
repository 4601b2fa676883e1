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
import { CompiledContract, compileContract } from './compiled-contract';

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
  return validateEvent(topic, parseValue(value));
}

/** A record's value as JSON, or DecodeError('NOT_JSON') saying why it is not. */
export function parseValue(value: Buffer | null): unknown {
  if (!value || value.length === 0) throw new DecodeError('NOT_JSON', 'empty record value');
  try {
    return JSON.parse(value.toString('utf8'));
  } catch (error) {
    throw new DecodeError('NOT_JSON', `value is not JSON: ${jsonErrorWithoutInput(error)}`);
  }
}

/**
 * JSON.parse's message without the excerpt of the input it quotes (`Unexpected token 'x',
 * "...input..." is not valid JSON`): a record's bytes never reach a log line or a header that way.
 */
function jsonErrorWithoutInput(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, ".*$/s, '').slice(0, 200);
}

/** The validated event of a known contract that an already parsed record value holds. */
export function validateEvent(topic: TopicName | string, parsed: unknown): DecodedEvent {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DecodeError('NOT_JSON', 'value is not a JSON object');
  }

  const envelope = validated(CloudEventEnvelope, parsed, (object) => {
    // The envelope has no nested classes: a shallow instance validates the same as
    // plainToInstance, which would also deep-copy `data` (converted again just below).
    const instance = Object.assign(new CloudEventEnvelope(), object);
    return { instance, errors: validateSync(instance, { whitelist: true }) };
  });
  if (envelope instanceof Array) throw new DecodeError('INVALID_ENVELOPE', describe(envelope));

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

  const data = validated<object>(contract, envelope.data, (object) => {
    const instance: object = plainToInstance(contract, object);
    return { instance, errors: validateSync(instance, { whitelist: true }) };
  });
  if (data instanceof Array) throw new DecodeError('INVALID_DATA', describe(data));

  return { contract, event: { ...(envelope as CloudEvent<object>), data } };
}

const compiled = new Map<Function, CompiledContract<object> | undefined>();

/**
 * The whitelisted instance of `target` made of `plain`, or class-validator's errors. The compiled
 * validation (compiled-contract.ts) accepts valid records quickly; whatever it does not accept goes
 * to class-validator itself (`validate`), whose verdict stands and whose errors explain it.
 */
function validated<T extends object>(
  target: new () => T,
  plain: object,
  validate: (plain: object) => { instance: T; errors: ValidationError[] },
): T | ValidationError[] {
  if (!compiled.has(target)) compiled.set(target, compileContract(target));
  const fast = compiled.get(target)?.instantiate(plain) as T | undefined;
  if (fast) return fast;
  const { instance, errors } = validate(plain);
  return errors.length > 0 ? errors : instance;
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
