import { displayValue } from './dlq.printer';

describe('displayValue (ops dlq show)', () => {
  it('masks a person in an event: email, the name beside it, and emails quoted anywhere', () => {
    const event = {
      type: 'PaymentRejected',
      data: {
        orderId: 'ord-1',
        customer: { name: 'Jane Doe', email: 'jane.doe@example.com' },
        note: 'bounced: <jane.doe@example.com>',
      },
    };
    const shown = JSON.stringify(displayValue(Buffer.from(JSON.stringify(event))));
    expect(shown).not.toMatch(/jane|doe/i);
    expect(displayValue(Buffer.from(JSON.stringify(event)))).toEqual({
      type: 'PaymentRejected',
      data: {
        orderId: 'ord-1',
        customer: { name: 'J***', email: 'j***@example.com' },
        note: 'bounced: <j***@example.com>',
      },
    });
  });

  it('shows a sealed person as the id of the key it needs, not the ciphertext', () => {
    const event = { data: { customer: { sealed: 'v2.k3y1d.bm9uY2U.dGFn.Ym9keQ' } } };
    expect(displayValue(Buffer.from(JSON.stringify(event)))).toEqual({
      data: { customer: { sealed: '(sealed, key k3y1d)' } },
    });
  });

  it('masks emails in a value that is text, not JSON', () => {
    expect(displayValue(Buffer.from('to jane.doe@example.com, not JSON'))).toBe(
      'to j***@example.com, not JSON',
    );
  });

  it('leaves everything else as it is', () => {
    const event = {
      id: 'e-1',
      data: { amount: { amountMinor: 5400, currency: 'EUR' }, name: 'X' },
    };
    expect(displayValue(Buffer.from(JSON.stringify(event)))).toEqual(event);
  });
});
