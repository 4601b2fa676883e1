import { PartitionTurns } from './partition-turns';

/** A piece of work that runs until the test lets it finish, noting when it starts and ends. */
function gate(log: string[], name: string) {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  return {
    finish,
    work: async () => {
      log.push(`${name} start`);
      await finished;
      log.push(`${name} end`);
      return name;
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('PartitionTurns', () => {
  it('runs work of one partition number one at a time, in the order asked', async () => {
    const turns = new PartitionTurns();
    const log: string[] = [];
    const first = gate(log, 'billing-2');
    const second = gate(log, 'licensing-2');
    const results = [turns.run(2, first.work), turns.run(2, second.work)];
    await settle();
    expect(log).toEqual(['billing-2 start']);
    first.finish();
    await settle();
    expect(log).toEqual(['billing-2 start', 'billing-2 end', 'licensing-2 start']);
    second.finish();
    expect(await Promise.all(results)).toEqual(['billing-2', 'licensing-2']);
  });

  it('runs work of different partition numbers side by side', async () => {
    const turns = new PartitionTurns();
    const log: string[] = [];
    const one = gate(log, 'billing-1');
    const two = gate(log, 'billing-2');
    const results = [turns.run(1, one.work), turns.run(2, two.work)];
    await settle();
    expect(log).toEqual(['billing-1 start', 'billing-2 start']);
    two.finish();
    one.finish();
    expect(await Promise.all(results)).toEqual(['billing-1', 'billing-2']);
  });

  it('lets the next turn run after a failed one, and reports the failure to its caller', async () => {
    const turns = new PartitionTurns();
    const failed = turns.run(3, () => Promise.reject(new Error('database away')));
    const next = turns.run(3, () => Promise.resolve('handled'));
    await expect(failed).rejects.toThrow('database away');
    await expect(next).resolves.toBe('handled');
  });
});
