import { createCipheriv, createDecipheriv, createHash, randomFillSync } from 'node:crypto';

/** Values written before keys had ids: `v1.<nonce>.<tag>.<ciphertext>`. Still read. */
const LEGACY_VERSION = 'v1';
const VERSION = 'v2';

/** Nonces drawn at once: each `randomBytes(12)` alone cost 5–7 µs of CPU, half of an encryption. */
const NONCES_PER_DRAW = 256;
const NONCE_BYTES = 12;

interface Key {
  id: string;
  bytes: Buffer;
}

/**
 * Encrypts customers' personal data (name, email), AES-256-GCM with a random nonce per value:
 * at rest (a database dump or backup does not reveal who the customers are) and in events that
 * only one service may read (the customer billing gives notifications in `OrderPaid`).
 * Stored form: `v2.<key id>.<nonce>.<tag>.<ciphertext>` (base64url parts).
 *
 * Keys rotate: the current key encrypts; it and the retired keys decrypt, each value naming its
 * key by id. A key's id is derived from the key (the first 8 bytes of its SHA-256, base64url), so
 * no id has to be configured and two services with the same key agree on it. A retired key can
 * be dropped once nothing encrypted under it is kept any more.
 */
export class PersonalDataCipher {
  private readonly current: Key;
  private readonly keys: Map<string, Key>;
  /** Random bytes for the next nonces, each used once, refilled from the CSPRNG when spent. */
  private readonly nonces = Buffer.alloc(NONCE_BYTES * NONCES_PER_DRAW);
  private nextNonce = this.nonces.length;

  /** `base64Key`: the current key; `retiredBase64Keys`: keys that only decrypt. */
  constructor(base64Key: string, retiredBase64Keys: readonly string[] = []) {
    this.current = keyOf(base64Key);
    this.keys = new Map(
      [this.current, ...retiredBase64Keys.map(keyOf)].map((key) => [key.id, key] as const),
    );
  }

  /** The id of the key that encrypts. */
  get keyId(): string {
    return this.current.id;
  }

  encrypt(plain: string): string {
    const nonce = this.freshNonce();
    const cipher = createCipheriv('aes-256-gcm', this.current.bytes, nonce);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, this.current.id, ...[nonce, cipher.getAuthTag(), body].map(base64url)].join(
      '.',
    );
  }

  /**
   * 12 random bytes never handed out before (GCM's random nonce), copied out of the pool: the value
   * keeps its own nonce after the pool is refilled.
   */
  private freshNonce(): Buffer {
    if (this.nextNonce === this.nonces.length) {
      randomFillSync(this.nonces);
      this.nextNonce = 0;
    }
    const nonce = Buffer.from(this.nonces.subarray(this.nextNonce, this.nextNonce + NONCE_BYTES));
    this.nextNonce += NONCE_BYTES;
    return nonce;
  }

  decrypt(stored: string): string {
    const parts = stored.split('.');
    if (parts[0] === VERSION && parts.length === 5) {
      const key = this.keys.get(parts[1]);
      if (!key) {
        throw new Error(
          `personal data encrypted under key id ${parts[1]}, which is neither the current key ` +
            'nor a retired one (PII_ENCRYPTION_RETIRED_KEYS)',
        );
      }
      return open(key, parts[2], parts[3], parts[4]);
    }
    if (parts[0] === LEGACY_VERSION && parts.length === 4) {
      // No key id: whichever key authenticates it (GCM refuses every other).
      for (const key of this.keys.values()) {
        try {
          return open(key, parts[1], parts[2], parts[3]);
        } catch {
          // not this key
        }
      }
      throw new Error('personal data encrypted under none of the keys given');
    }
    throw new Error('not a value encrypted by this service');
  }
}

/** A person as an event carries them for notifications: name and email in one sealed value. */
export interface SealablePerson {
  name: string;
  email: string;
}

export function sealPerson(cipher: PersonalDataCipher, person: SealablePerson): string {
  return cipher.encrypt(JSON.stringify({ name: person.name, email: person.email }));
}

export function openPerson(cipher: PersonalDataCipher, sealed: string): SealablePerson {
  const person = JSON.parse(cipher.decrypt(sealed)) as Partial<SealablePerson>;
  if (typeof person.name !== 'string' || typeof person.email !== 'string') {
    throw new Error('a sealed person holds no name and email');
  }
  return { name: person.name, email: person.email };
}

/** Reads `PII_ENCRYPTION_RETIRED_KEYS`: base64 keys, comma-separated (empty: none). */
export function retiredKeys(list: string | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key.length > 0);
}

function keyOf(base64Key: string): Key {
  const bytes = Buffer.from(base64Key, 'base64');
  if (bytes.length !== 32) throw new Error('a personal data key must be 32 bytes');
  return { id: base64url(createHash('sha256').update(bytes).digest().subarray(0, 8)), bytes };
}

function open(key: Key, nonce: string, tag: string, body: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(nonce, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([
    decipher.update(Buffer.from(body, 'base64url')),
    decipher.final(),
  ]).toString('utf8');
}

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** Masks an email for logs and support views: `j***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** Masks every email address in a text (an SMTP server's error may echo the recipient). */
export function maskEmailsIn(text: string): string {
  return text.replace(/[^\s<>@"':;,]+@[^\s<>@"':;,]+/g, (email) => maskEmail(email));
}
