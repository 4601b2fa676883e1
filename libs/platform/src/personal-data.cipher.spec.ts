import { createCipheriv, randomBytes } from 'node:crypto';
import {
  maskEmail,
  maskEmailsIn,
  openPerson,
  PersonalDataCipher,
  retiredKeys,
  sealPerson,
} from './personal-data.cipher';

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

  it('never uses a nonce twice, across the draws of random bytes it takes them from', () => {
    const cipher = new PersonalDataCipher(KEY);
    // Several draws' worth (256 nonces a draw), each value still read back.
    const stored = Array.from({ length: 1000 }, () => cipher.encrypt('same'));
    const nonces = stored.map((value) => value.split('.')[2]);
    expect(new Set(nonces).size).toBe(stored.length);
    expect(nonces.every((nonce) => Buffer.from(nonce, 'base64url').length === 12)).toBe(true);
    expect(stored.every((value) => cipher.decrypt(value) === 'same')).toBe(true);
  });

  it('refuses a value tampered with or encrypted under another key', () => {
    const stored = new PersonalDataCipher(KEY).encrypt('jane');
    const other = new PersonalDataCipher(Buffer.alloc(32, 9).toString('base64'));
    expect(() => other.decrypt(stored)).toThrow();
  });

  it('names the key a value was encrypted under, so keys can rotate', () => {
    const old = new PersonalDataCipher(KEY);
    const stored = old.encrypt('jane.doe@example.com');
    expect(stored.split('.').slice(0, 2)).toEqual(['v2', old.keyId]);

    const NEW = Buffer.alloc(32, 8).toString('base64');
    const rotated = new PersonalDataCipher(NEW, [KEY]);
    expect(rotated.keyId).not.toBe(old.keyId);
    expect(rotated.decrypt(stored)).toBe('jane.doe@example.com'); // a retired key still decrypts
    const fresh = rotated.encrypt('jane.doe@example.com');
    expect(fresh.split('.')[1]).toBe(rotated.keyId); // the current key encrypts
    expect(() => old.decrypt(fresh)).toThrow(/key id .* neither the current key nor a retired/);
    expect(() => new PersonalDataCipher(NEW).decrypt(stored)).toThrow(/key id/);
  });

  it('still reads values written before keys had ids, under the current or a retired key', () => {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(KEY, 'base64'), nonce);
    const body = Buffer.concat([cipher.update('jane', 'utf8'), cipher.final()]);
    const legacy = ['v1', nonce, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
    expect(new PersonalDataCipher(KEY).decrypt(legacy)).toBe('jane');
    const rotated = new PersonalDataCipher(Buffer.alloc(32, 8).toString('base64'), [KEY]);
    expect(rotated.decrypt(legacy)).toBe('jane');
  });

  it('seals a person for the one service holding the key, revealing neither name nor email', () => {
    const cipher = new PersonalDataCipher(KEY);
    const sealed = sealPerson(cipher, { name: 'Jane Doe', email: 'jane.doe@example.com' });
    // Case-sensitive whole words: a random ciphertext may well hold "doe" in some case.
    expect(sealed).not.toContain('Jane Doe');
    expect(sealed).not.toContain('jane.doe@example.com');
    expect(openPerson(cipher, sealed)).toEqual({ name: 'Jane Doe', email: 'jane.doe@example.com' });
    expect(() => openPerson(cipher, cipher.encrypt('"just a string"'))).toThrow(
      /no name and email/,
    );
  });

  it('reads retired keys from a comma-separated list', () => {
    expect(retiredKeys(undefined)).toEqual([]);
    expect(retiredKeys(` ${KEY} ,, ${KEY}`)).toEqual([KEY, KEY]);
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
