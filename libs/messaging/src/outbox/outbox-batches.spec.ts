import { chunkByBytes, groupInOrder, RECORD_BATCH_OVERHEAD, recordBytes } from './outbox-batches';
import { encodeHeaders } from './outbox-headers';

describe('outbox batches', () => {
  const size = (item: { bytes: number }) => item.bytes;
  const item = (name: string, bytes: number) => ({ name, bytes });

  it('cuts one partition’s rows into runs under the limit, in order', () => {
    const limit = RECORD_BATCH_OVERHEAD + 100;
    const items = [item('a', 40), item('b', 40), item('c', 40), item('d', 100), item('e', 1)];
    const { chunks, oversized } = chunkByBytes(items, size, limit);
    expect(chunks.map((chunk) => chunk.map((i) => i.name))).toEqual([
      ['a', 'b'],
      ['c'],
      ['d'],
      ['e'],
    ]);
    expect(oversized).toEqual([]);
  });

  it('sets aside a row that alone exceeds the limit, and keeps the others’ order around it', () => {
    const limit = RECORD_BATCH_OVERHEAD + 100;
    const items = [item('a', 10), item('big', 101), item('b', 10)];
    const { chunks, oversized } = chunkByBytes(items, size, limit);
    expect(chunks.map((chunk) => chunk.map((i) => i.name))).toEqual([['a', 'b']]);
    expect(oversized.map((i) => i.name)).toEqual(['big']);
  });

  it('estimates a record at least at its key, value and headers', () => {
    const headers = encodeHeaders({ 'content-type': 'application/json' });
    const key = Buffer.from('acct-1');
    const value = Buffer.alloc(1000);
    expect(recordBytes(key, value, headers)).toBeGreaterThan(
      key.length + value.length + headers.length,
    );
  });

  it('groups by partition keeping each group’s order', () => {
    const groups = groupInOrder(['a1', 'b1', 'a2', 'c1', 'b2'], (s) => s[0]);
    expect(groups).toEqual([['a1', 'a2'], ['b1', 'b2'], ['c1']]);
  });
});
