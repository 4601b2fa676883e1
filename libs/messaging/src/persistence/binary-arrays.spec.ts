import { arrayParameterTypes, encodeArray, withBinaryArrays } from './binary-arrays';

/** The type this statement gives its first parameter. */
function typeOf(text: string) {
  const type = arrayParameterTypes(text)[0];
  if (!type) throw new Error(`no array type for ${text}`);
  return type;
}

describe('arrayParameterTypes', () => {
  it('types each parameter cast to an array of a type encoded here, by its position', () => {
    const types = arrayParameterTypes(
      'SELECT * FROM unnest($1::text[], $2::UUID[], $3::timestamptz[], $4::int[], $5::bigint[], $6::boolean[])',
    );
    expect(types.map((type) => type?.oid)).toEqual([25, 2950, 1184, 23, 20, 16]);
  });

  it('leaves out a parameter used anywhere without the same array cast, and arrays of other types', () => {
    const types = arrayParameterTypes(
      `SELECT $1::text[], $1, $2::text[], $2::uuid[], $3::jsonb[], $4::text, $5::text[], $5::text[], $10::int[]`,
    );
    expect(types[0]).toBeUndefined();
    expect(types[1]).toBeUndefined();
    expect(types[2]).toBeUndefined();
    expect(types[3]).toBeUndefined();
    expect(types[4]?.oid).toBe(25);
    // $10 is not $1 followed by a 0.
    expect(types[9]?.oid).toBe(23);
  });
});

describe('encodeArray', () => {
  it('writes what array_recv reads: one dimension, the null flag, the element type, then each element', () => {
    const encoded = encodeArray(typeOf('$1::text[]'), ['a', null, 'é']);
    expect(encoded?.toString('hex')).toBe(
      [
        '00000001', // one dimension
        '00000001', // holds a null
        '00000019', // text (25)
        '00000003', // three elements
        '00000001', // from index 1
        '00000001' + '61', // 'a'
        'ffffffff', // null
        '00000002' + 'c3a9', // 'é' in UTF-8
      ].join(''),
    );
  });

  it('writes an empty array with no dimension', () => {
    expect(encodeArray(typeOf('$1::int[]'), [])?.toString('hex')).toBe(
      '00000000' + '00000000' + '00000017',
    );
  });

  it('writes UUIDs as their 16 bytes, times as microseconds from 2000-01-01 UTC, integers big-endian', () => {
    const element = (encoded: Buffer | undefined) => encoded!.subarray(24).toString('hex');
    expect(
      element(encodeArray(typeOf('$1::uuid[]'), ['0123ABCD-4567-89ab-cdef-0123456789AB'])),
    ).toBe('0123abcd456789abcdef0123456789ab');
    expect(
      element(encodeArray(typeOf('$1::timestamptz[]'), [new Date('2000-01-01T00:00:01.5Z')])),
    ).toBe((1_500_000).toString(16).padStart(16, '0'));
    expect(
      element(encodeArray(typeOf('$1::timestamptz[]'), [new Date('1999-12-31T23:59:59.999Z')])),
    ).toBe('fffffffffffffc18'); // -1000
    expect(element(encodeArray(typeOf('$1::int[]'), [-2]))).toBe('fffffffe');
    expect(element(encodeArray(typeOf('$1::bigint[]'), [2 ** 40]))).toBe('0000010000000000');
    expect(element(encodeArray(typeOf('$1::boolean[]'), [true]))).toBe('01');
  });

  it.each([
    ['text', [1]],
    ['text', [['nested']]],
    ['uuid', ['{0123abcd-4567-89ab-cdef-0123456789ab}']],
    ['uuid', ['not a uuid']],
    ['timestamptz', ['2026-01-01T00:00:00Z']],
    ['timestamptz', [new Date(Number.NaN)]],
    ['int', [1.5]],
    ['int', [2 ** 31]],
    ['int', ['1']],
    ['bigint', [2 ** 60]],
    ['bigint', ['12']],
    ['boolean', [1]],
  ])('refuses a %s[] holding %p, which goes as a literal as before', (type, values: unknown[]) => {
    expect(encodeArray(typeOf(`$1::${type}[]`), values)).toBeUndefined();
  });
});

describe('withBinaryArrays', () => {
  const types = arrayParameterTypes('SELECT $1::text[], $2::int, $3::int[], $4::text[]');

  it('encodes the arrays of typed parameters that it can, and leaves every other value as given', () => {
    const given = [['a'], 2, [3], [4], 'extra'];
    const sent = withBinaryArrays(types, given);
    expect(Buffer.isBuffer(sent[0])).toBe(true);
    expect(sent[1]).toBe(2);
    expect(Buffer.isBuffer(sent[2])).toBe(true);
    expect(sent[3]).toEqual([4]);
    expect(sent[4]).toBe('extra');
    expect(given).toEqual([['a'], 2, [3], [4], 'extra']);
  });

  it('hands back the same values when nothing is encoded', () => {
    const given = [null, 2, 'x'];
    expect(withBinaryArrays(types, given)).toBe(given);
  });
});
