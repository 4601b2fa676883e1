/**
 * kafkajs as patches/kafkajs+2.2.4.patch leaves it (applied by npm's postinstall): the patched
 * functions are in place and give kafkajs's own results.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

// kafkajs's internals, as its producer requires them (the patch's two files): no typed import.
/* eslint-disable @typescript-eslint/no-require-imports */
const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C') as (buffer: Buffer) => number;
const groupMessagesPerPartition =
  require('kafkajs/src/producer/groupMessagesPerPartition') as (args: {
    topic: string;
    partitionMetadata: { partitionId: number }[];
    messages: { partition: number; value: string }[];
    partitioner: (args: { message: { partition: number } }) => number;
  }) => Record<string, { partition: number; value: string }[]>;
type KafkaRecord = {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
};
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (
  record: KafkaRecord,
) => object;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (batch: {
    records: object[];
    lastOffsetDelta: number;
    firstTimestamp: number;
    maxTimestamp: number;
  }) => Promise<{
    buffer: Buffer;
  }>;
};
const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (
  decoder: object,
) => Promise<{
  records: {
    offset: string;
    key: Buffer | null;
    value: Buffer | null;
    headers: Record<string, Buffer>;
  }[];
}>;
const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => object;
/* eslint-enable @typescript-eslint/no-require-imports */

/** CRC-32C one byte at a time, from its definition (reflected polynomial 0x82F63B78). */
function referenceCrc32C(buffer: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buffer) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('kafkajs, patched (patches/kafkajs+2.2.4.patch)', () => {
  it('is patched in node_modules', () => {
    for (const file of [
      'kafkajs/src/protocol/recordBatch/crc32C/crc32C.js',
      'kafkajs/src/producer/groupMessagesPerPartition.js',
      'kafkajs/src/protocol/encoder.js',
    ]) {
      expect(readFileSync(require.resolve(file), 'utf8')).toContain(
        'Patched by the Poly reactivation backend',
      );
    }
  });

  it('computes CRC-32C: the standard check value, and the definition on any bytes', () => {
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32C(Buffer.alloc(0))).toBe(0);
    for (let i = 0; i < 300; i++) {
      const bytes = randomBytes(i < 20 ? i : Math.floor(Math.random() * 4096));
      expect(crc32C(bytes)).toBe(referenceCrc32C(bytes));
    }
  });

  it("groups messages by partition, each partition's in their order", () => {
    const messages = Array.from({ length: 2000 }, (_, i) => ({ partition: i % 3, value: `m${i}` }));
    const grouped = groupMessagesPerPartition({
      topic: 't',
      partitionMetadata: [0, 1, 2].map((partitionId) => ({ partitionId })),
      messages,
      partitioner: ({ message }) => message.partition,
    });
    expect(Object.keys(grouped).sort()).toEqual(['0', '1', '2']);
    for (const partition of [0, 1, 2]) {
      expect(grouped[partition]).toEqual(messages.filter((m) => m.partition === partition));
    }
    expect(
      groupMessagesPerPartition({
        topic: 't',
        partitionMetadata: [],
        messages,
        partitioner: () => 0,
      }),
    ).toEqual({});
  });

  describe('encoding a record batch', () => {
    /** Records whose lengths and offsets take one to three varint bytes, null keys and values. */
    const records = (): KafkaRecord[] =>
      Array.from({ length: 300 }, (_, i): KafkaRecord => ({
        offsetDelta: i,
        timestampDelta: i * 1_000,
        key: i % 50 === 7 ? null : Buffer.from(`order-${i}`),
        value: i % 50 === 9 ? null : randomBytes([0, 1, 127, 128, 700, 20_000][i % 6]),
        headers: i % 3 === 0 ? {} : { 'content-type': Buffer.from('application/cloudevents+json') },
      }));
    const encode = async (batch: KafkaRecord[]) =>
      (
        await RecordBatch({
          records: batch.map(encodeRecord),
          lastOffsetDelta: batch.length - 1,
          // Fixed, or two encodings differ by their clock.
          firstTimestamp: 1_764_547_200_000,
          maxTimestamp: 1_764_547_499_000,
        })
      ).buffer;

    afterEach(() => jest.restoreAllMocks());

    it('writes every byte it sends: memory handed to it that held anything changes nothing', async () => {
      const batch = records();
      const allocUnsafe = Buffer.allocUnsafe.bind(Buffer);
      const filledWith = (byte: number) =>
        jest
          .spyOn(Buffer, 'allocUnsafe')
          .mockImplementation((size) => allocUnsafe(size).fill(byte));
      const spy = filledWith(0xaa);
      const overAa = await encode(batch);
      expect(spy).toHaveBeenCalled();
      spy.mockRestore();
      filledWith(0x55);
      const over55 = await encode(batch);
      expect(over55.equals(overAa)).toBe(true);
    });

    it('gives back, decoded, the records it was given, under their checksum', async () => {
      const batch = records();
      const bytes = await encode(batch);
      const decoded = await decodeRecordBatch(new Decoder(bytes));
      expect(decoded.records).toHaveLength(batch.length);
      // Buffers compared as bytes (jest's toEqual walks them element by element: seconds).
      const same = (a: Buffer | null, b: Buffer | null) =>
        a === null ? b === null : !!b && a.equals(b);
      decoded.records.forEach((record, i) => {
        expect(record.offset).toBe(String(i));
        expect(same(record.key, batch[i].key)).toBe(true);
        expect(same(record.value, batch[i].value)).toBe(true);
        expect(Object.keys(record.headers)).toEqual(Object.keys(batch[i].headers));
        for (const [name, value] of Object.entries(batch[i].headers))
          expect(same(record.headers[name], value)).toBe(true);
      });
      // firstOffset (8), length (4), leader epoch (4), magic (1), then the CRC of what follows.
      expect(bytes.readUInt32BE(17)).toBe(referenceCrc32C(bytes.subarray(21)));
    });
  });
});
