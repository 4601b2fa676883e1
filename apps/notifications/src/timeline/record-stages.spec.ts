import { roundsOfDistinctOrders } from './record-stages.usecase';

describe('recording stages set-based', () => {
  it('names each order at most once per statement, keeping each order’s stages in their order', () => {
    const rounds = roundsOfDistinctOrders([
      { orderId: 'o1', n: 1 },
      { orderId: 'o2', n: 2 },
      { orderId: 'o1', n: 3 },
      { orderId: 'o1', n: 4 },
      { orderId: 'o3', n: 5 },
    ]);
    expect(rounds.map((round) => round.map((s) => s.n))).toEqual([[1, 2, 5], [3], [4]]);
  });
});
