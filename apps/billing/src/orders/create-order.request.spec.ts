import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateOrderRequest } from './create-order.request';

const refused = (plain: Record<string, unknown>): string[] =>
  validateSync(plainToInstance(CreateOrderRequest, plain), { whitelist: true }).map(
    (e) => e.property,
  );

describe('CreateOrderRequest', () => {
  const customer = { name: 'Ada Customer', email: 'ada@example.com' };

  it('accepts a quote id and the customer', () => {
    expect(refused({ quoteId: 'q-1', customer })).toEqual([]);
  });

  it('requires the customer as an object: missing, null, a list or a string is refused', () => {
    for (const value of [undefined, null, [], [customer], 'ada@example.com']) {
      expect({ value, refused: refused({ quoteId: 'q-1', customer: value }) }).toEqual({
        value,
        refused: ['customer'],
      });
    }
  });

  it('refuses a change window that is a list or a string', () => {
    for (const value of [[], 'tomorrow']) {
      expect(refused({ quoteId: 'q-1', customer, changeWindow: value })).toEqual(['changeWindow']);
    }
  });
});
