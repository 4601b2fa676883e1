import { actorOf, parseApiTokens } from './auth.guard';

describe('API tokens', () => {
  it('reads a customer account and a support contact, and names each token without revealing it', () => {
    const tokens = parseApiTokens(
      'Zk3q9v0AOw8mX1yR:ops,Jp4rLs8VbQe2WmYd:support:eu-amelie-laurent,Tg6Ka0Xz1Qp2:customer:acc-1',
    );
    expect(tokens.get('Jp4rLs8VbQe2WmYd')).toMatchObject({
      role: 'support',
      contactId: 'eu-amelie-laurent',
    });
    expect(tokens.get('Tg6Ka0Xz1Qp2')).toMatchObject({ role: 'customer', accountId: 'acc-1' });
    const ops = tokens.get('Zk3q9v0AOw8mX1yR')!;
    expect(ops.tokenId).toMatch(/^[0-9a-f]{12}$/);
    expect(actorOf(ops)).toBe(`ops:${ops.tokenId}`);
    expect(actorOf(ops)).not.toContain('Zk3q9v0AOw8mX1yR');
    expect(tokens.get('Jp4rLs8VbQe2WmYd')!.tokenId).not.toBe(ops.tokenId);
  });

  it('refuses a customer token without its account', () => {
    expect(() => parseApiTokens('Tg6Ka0Xz1Qp2:customer')).toThrow(/accountId/);
  });
});
