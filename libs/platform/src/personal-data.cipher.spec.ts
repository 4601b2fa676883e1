import { maskEmail, maskEmailsIn, PersonalDataCipher } from './personal-data.cipher';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('PersonalDataCipher', () => {
  it('round-trips a value and never stores it in clear', () => {
    const cipher = new PersonalDataCipher(KEY);
    const stored = cipher.encrypt('jane.doe@example.com');
    expect(stored).not.toContain('jane');
    expect(cipher.decrypt(stored)).toBe('jane.doe@example.com');
  });

  it('gives a different stored form each time (random nonce)', () => {
    const cipher = new PersonalDataCipher(KEY);
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('refuses a value tampered with or encrypted under another key', () => {
    const stored = new PersonalDataCipher(KEY).encrypt('jane');
    const other = new PersonalDataCipher(Buffer.alloc(32, 9).toString('base64'));
    expect(() => other.decrypt(stored)).toThrow();
  });

  it('masks emails for logs', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j***@example.com');
  });

  it('masks the addresses an SMTP error echoes', () => {
    expect(maskEmailsIn('550 5.1.1 <jane.doe@example.com>: Recipient address rejected')).toBe(
      '550 5.1.1 <j***@example.com>: Recipient address rejected',
    );
  });
});
