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
});
