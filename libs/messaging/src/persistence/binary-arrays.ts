/**
 * Array parameters in PostgreSQL's binary format. node-postgres sends a JavaScript array as an
 * array literal (`{"a","b"}`): each element quoted and escaped by two regular expressions, each
 * Date formatted as text, and PostgreSQL parses it all back (`array_in`, then `timestamptz_in`,
 * `uuid_in`… for each element). A Buffer it sends as it is, in the binary format: an array encoded
 * here is read by `array_recv`, each element copied, not parsed. The hot statements pass their
 * batches as one array per column (`unnest($1::text[], …)`): 150 rows of six columns cost
 * PostgreSQL 295 µs of CPU as literals and 145 µs encoded here (measured alone).
 *
 * Only arrays whose every element is of the JavaScript type expected are encoded (strings for
 * text, canonical UUID strings, valid Dates, integers in range, booleans; null anywhere). Anything
 * else goes as a literal, as before, and PostgreSQL answers it as it always did (its own error for
 * a value it refuses).
 */

/**
 * An element type: its PostgreSQL OID, the size of an element's bytes (undefined: the value is not
 * one this type takes), and how they are written.
 */
export interface ElementType {
  oid: number;
  size(value: unknown): number | undefined;
  /** Writes the value (one `size` accepted) at `at`. */
  write(value: unknown, out: Buffer, at: number): void;
}

/** Milliseconds from the Unix epoch to PostgreSQL's (2000-01-01 UTC), from which it counts. */
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const TEXT: ElementType = {
  oid: 25,
  size: (value) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : undefined),
  write: (value, out, at) => void out.write(value as string, at, 'utf8'),
};

const UUID: ElementType = {
  oid: 2950,
  size: (value) => (typeof value === 'string' && CANONICAL_UUID.test(value) ? 16 : undefined),
  // Its 32 hex digits, the hyphens left out (the form was checked by `size`).
  write: (value, out, at) => void out.write((value as string).replaceAll('-', ''), at, 16, 'hex'),
};

const TIMESTAMPTZ: ElementType = {
  oid: 1184,
  size: (value) => (value instanceof Date && Number.isFinite(value.getTime()) ? 8 : undefined),
  // Microseconds from PostgreSQL's epoch.
  write: (value, out, at) =>
    void out.writeBigInt64BE(BigInt((value as Date).getTime() - POSTGRES_EPOCH_MS) * 1000n, at),
};

const INT4: ElementType = {
  oid: 23,
  size: (value) =>
    Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31
      ? 4
      : undefined,
  write: (value, out, at) => void out.writeInt32BE(value as number, at),
};

const INT8: ElementType = {
  oid: 20,
  size: (value) =>
    (typeof value === 'bigint' && value === BigInt.asIntN(64, value)) || Number.isSafeInteger(value)
      ? 8
      : undefined,
  write: (value, out, at) => void out.writeBigInt64BE(BigInt(value as number | bigint), at),
};

const BOOL: ElementType = {
  oid: 16,
  size: (value) => (typeof value === 'boolean' ? 1 : undefined),
  write: (value, out, at) => void (out[at] = value ? 1 : 0),
};

/** The element types encoded here, by the names a cast gives them (`$1::text[]`). */
const ELEMENT_TYPES: Record<string, ElementType> = {
  text: TEXT,
  uuid: UUID,
  timestamptz: TIMESTAMPTZ,
  int: INT4,
  int4: INT4,
  integer: INT4,
  bigint: INT8,
  int8: INT8,
  boolean: BOOL,
  bool: BOOL,
};

/** Each placeholder of a statement, with the array cast that follows it if any. */
const PLACEHOLDER = /\$(\d+)(?!\d)(?:::([a-z0-9_]+)\[\])?/gi;

/**
 * The element type of each parameter (index 0 for `$1`) that the statement casts to an array of a
 * type encoded here, at every place it uses it: PostgreSQL then takes that array type for it,
 * whatever else the statement says. Parameters used otherwise anywhere are left out (undefined).
 */
export function arrayParameterTypes(text: string): (ElementType | undefined)[] {
  const casts = new Map<number, string | null>();
  for (const [, number, cast] of text.matchAll(PLACEHOLDER)) {
    const index = Number(number) - 1;
    const type = cast?.toLowerCase() ?? null;
    casts.set(index, casts.has(index) && casts.get(index) !== type ? null : type);
  }
  const types: (ElementType | undefined)[] = [];
  for (const [index, type] of casts) {
    if (type !== null && ELEMENT_TYPES[type]) types[index] = ELEMENT_TYPES[type];
  }
  return types;
}

/**
 * A one-dimensional array in PostgreSQL's binary format (what `array_recv` reads): dimensions,
 * whether it holds a null, the element type, then each element's length and bytes (-1: null).
 * Undefined when an element is not of the type's JavaScript kind: the caller sends it as before.
 */
export function encodeArray(type: ElementType, values: readonly unknown[]): Buffer | undefined {
  const sizes: number[] = [];
  let size = values.length === 0 ? 12 : 20;
  let hasNull = false;
  for (const value of values) {
    const bytes = value === null || value === undefined ? -1 : type.size(value);
    if (bytes === undefined) return undefined;
    if (bytes < 0) hasNull = true;
    sizes.push(bytes);
    size += 4 + Math.max(bytes, 0);
  }
  const out = Buffer.allocUnsafe(size);
  let at = out.writeInt32BE(values.length === 0 ? 0 : 1, 0);
  at = out.writeInt32BE(hasNull ? 1 : 0, at);
  at = out.writeInt32BE(type.oid, at);
  if (values.length > 0) {
    at = out.writeInt32BE(values.length, at);
    at = out.writeInt32BE(1, at); // its lower bound
  }
  for (let i = 0; i < values.length; i++) {
    at = out.writeInt32BE(sizes[i], at);
    if (sizes[i] < 0) continue;
    type.write(values[i], out, at);
    at += sizes[i];
  }
  return out;
}

/**
 * The values to send for a statement whose parameters have these types: each array for a typed
 * parameter encoded (when it can be), the rest as given. The same array when nothing is encoded.
 */
export function withBinaryArrays(
  types: readonly (ElementType | undefined)[],
  values: readonly unknown[],
): unknown[] {
  let sent: unknown[] | undefined;
  for (let i = 0; i < values.length; i++) {
    const type = types[i];
    const value = values[i];
    if (!type || !Array.isArray(value)) continue;
    const encoded = encodeArray(type, value);
    if (encoded === undefined) continue;
    sent ??= [...values];
    sent[i] = encoded;
  }
  return sent ?? (values as unknown[]);
}
