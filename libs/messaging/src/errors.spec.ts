import { classifyFailure, CodedError, DecodeError, TransientError } from './errors';

/** An error as node-postgres reports a SQLSTATE. */
function pgError(code: string, message = `pg ${code}`): Error {
  return Object.assign(new Error(message), { code });
}

class RefusedByDomain extends CodedError {
  readonly code = 'ORDER_UNKNOWN';
}

describe('classifyFailure: the one classifier of the runtime', () => {
  it.each([
    ['53300 too many connections', pgError('53300')],
    ['55P03 lock not available (lock_timeout)', pgError('55P03')],
    ['40P01 deadlock', pgError('40P01')],
    ['40001 serialization failure', pgError('40001')],
    ['57P01 admin shutdown', pgError('57P01')],
    ['57P03 cannot connect now', pgError('57P03')],
    ['08006 connection failure', pgError('08006')],
    ['08001 cannot connect', pgError('08001')],
    ['53100 disk full', pgError('53100')],
    ['57014 statement timeout', pgError('57014')],
    ['ECONNREFUSED', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['ECONNRESET', pgError('ECONNRESET')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['a pool wait that timed out', new Error('timeout exceeded when trying to connect')],
    ['a broker error', Object.assign(new Error('broker gone'), { name: 'KafkaJSConnectionError' })],
    ['a handler TransientError', new TransientError('lost a race')],
  ])('retries %s (infrastructure or said transient: never dead-lettered)', (_, error) => {
    expect(classifyFailure(error)).toBe('retry');
  });

  it.each([
    ['a decode failure', new DecodeError('NOT_JSON', 'value is not JSON')],
    ['a coded domain refusal', new RefusedByDomain('no such order')],
    ['22021 invalid byte sequence (the record holds NUL)', pgError('22021')],
    ['22P05 untranslatable character', pgError('22P05')],
    ['23505 unique violation', pgError('23505')],
    ['22003 numeric out of range', pgError('22003')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a thrown string', 'boom'],
  ])('dead-letters %s at once (the record’s own fault)', (_, error) => {
    expect(classifyFailure(error)).toBe('permanent');
  });
});
