/**
 * Array parameters sent in PostgreSQL's binary format by runPrepared (binary-arrays.ts), against
 * the real PostgreSQL: it reads every element as it reads the same array sent as a literal (the
 * way node-postgres sends arrays, and runPrepared outside a transaction), and refuses what it
 * refused before.
 */
import { pipelinedTransaction, preparedStatement, runPrepared } from '@app/messaging';
import { Traffic, watchConnection } from '@app/testing';
import { DataSource, QueryFailedError } from 'typeorm';
import { factsDatabase } from './facts-database';

/** Each element as PostgreSQL holds it (its text form), with its position and the array's size. */
const ELEMENTS = (type: string) =>
  `SELECT cardinality($1::${type}[]) AS size,
          array_ndims($1::${type}[]) AS dims,
          coalesce(json_agg(json_build_object('n', e.n, 'text', e.v::text) ORDER BY e.n), '[]')::text AS elements
     FROM unnest($1::${type}[]) WITH ORDINALITY AS e(v, n)`;

/** The format codes of the parameters of each Bind message written (0 text, 1 binary). */
function boundFormats(traffic: Traffic): number[][] {
  const formats: number[][] = [];
  for (const entry of traffic) {
    if (!('wrote' in entry)) continue;
    const bytes = Buffer.from(entry.wrote, 'latin1');
    for (let at = 0; at < bytes.length;) {
      const length = bytes.readInt32BE(at + 1);
      if (bytes[at] === 0x42 /* B */) {
        let field = bytes.indexOf(0, at + 5) + 1; // portal
        field = bytes.indexOf(0, field) + 1; // statement
        const count = bytes.readInt16BE(field);
        formats.push(Array.from({ length: count }, (_, i) => bytes.readInt16BE(field + 2 + 2 * i)));
      }
      at += 1 + length;
    }
  }
  return formats;
}

const TEXTS = [
  'plain',
  '',
  'NULL',
  'null',
  'with "quotes", commas, {braces} and \\backslashes\\',
  "it's",
  ' spaces ',
  'line\nbreak\ttab',
  'ünïcödé ✓ 𝄞 😀',
  null,
];

const CASES: [string, unknown[]][] = [
  ['text', TEXTS],
  ['text', []],
  ['text', [null]],
  ['uuid', ['0123abcd-4567-89ab-cdef-0123456789ab', 'FEDCBA98-7654-3210-FEDC-BA9876543210', null]],
  [
    'timestamptz',
    [
      new Date('2026-12-04T16:45:12.345Z'),
      new Date('2000-01-01T00:00:00.000Z'),
      new Date('1999-12-31T23:59:59.999Z'),
      new Date('1970-01-01T00:00:00.001Z'),
      new Date('2100-06-30T12:00:00.000Z'),
      null,
    ],
  ],
  ['int', [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), null]],
  ['bigint', [0, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 40, null]],
  ['boolean', [true, false, null]],
];

describe('array parameters in the binary format (real PostgreSQL)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await factsDatabase('binary_arrays', true);
  });

  afterAll(async () => {
    await dataSource?.destroy();
  });

  it.each(CASES)(
    'a %s[] reads element for element as the same array sent as a literal',
    async (type, values) => {
      const statement = preparedStatement(ELEMENTS(type));
      const traffic = await watchConnection(dataSource);
      const binary = await pipelinedTransaction(dataSource, (manager) =>
        runPrepared<object[]>(manager, statement, [values]),
      );
      // Outside a transaction runPrepared goes through manager.query: node-postgres's literal.
      const literal = await runPrepared<object[]>(dataSource.manager, statement, [values]);
      expect(binary).toEqual(literal);
      expect(binary[0]).toMatchObject({ size: values.length });
      expect(boundFormats(traffic)).toEqual([[1], [0]]);
    },
  );

  it("sends the closing statement's arrays (the outbox write, sent with COMMIT) the same way", async () => {
    const insert = preparedStatement(
      "INSERT INTO facts SELECT unnest($1::text[]) || to_char($2::int, 'FM0')",
    );
    const traffic = await watchConnection(dataSource);
    await pipelinedTransaction(
      dataSource,
      async () => ['closing "one"', 'closing, two'],
      (names) => ({ statement: insert, values: [names, 7] }),
    );
    const rows: { name: string }[] = await dataSource.query(
      `SELECT name FROM facts WHERE name LIKE 'closing%' ORDER BY name`,
    );
    expect(rows.map((row) => row.name)).toEqual(['closing "one"7', 'closing, two7']);
    // BEGIN and COMMIT go as simple queries: the one Bind is the closing statement's.
    expect(boundFormats(traffic)).toEqual([[1, 0]]);
  });

  it('keeps times to the millisecond, in any session time zone', async () => {
    const at = new Date('2026-12-04T16:45:12.345Z');
    const statement = preparedStatement(
      'SELECT (($1::timestamptz[])[1] = $2::timestamptz) AS same',
    );
    const [{ same }] = await pipelinedTransaction(dataSource, async (manager) => {
      await manager.query(`SET LOCAL TIME ZONE 'America/St_Johns'`);
      return runPrepared<{ same: boolean }[]>(manager, statement, [[at], at.toISOString()]);
    });
    expect(same).toBe(true);
  });

  it('sends an array it cannot encode as a literal, which PostgreSQL answers as before', async () => {
    const statement = preparedStatement(ELEMENTS('uuid'));
    const traffic = await watchConnection(dataSource);
    // Not the canonical form: PostgreSQL reads it, as it always did.
    const [{ elements }] = await pipelinedTransaction(dataSource, (manager) =>
      runPrepared<{ elements: string }[]>(manager, statement, [
        ['{0123abcd-4567-89ab-cdef-0123456789ab}'],
      ]),
    );
    expect(JSON.parse(elements)).toEqual([{ n: 1, text: '0123abcd-4567-89ab-cdef-0123456789ab' }]);
    expect(boundFormats(traffic)).toEqual([[0]]);
  });

  it('refuses what PostgreSQL refused as a literal: a zero byte in a text', async () => {
    const statement = preparedStatement(ELEMENTS('text'));
    const failure = await pipelinedTransaction(dataSource, (manager) =>
      runPrepared(manager, statement, [['a\u0000b']]),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect((failure as QueryFailedError).message).toMatch(/invalid byte sequence|0x00/);
    // Reported with the values as given, not as encoded.
    expect((failure as QueryFailedError).parameters).toEqual([['a\u0000b']]);
    const literal = await runPrepared(dataSource.manager, statement, [['a\u0000b']]).catch(
      (error: unknown) => error,
    );
    expect((literal as QueryFailedError).message).toMatch(/invalid byte sequence|0x00/);
  });
});
