/**
 * Headers of an outbox row as bytes: `[name length][name][value length][value]…`, lengths as
 * 32-bit big-endian. Any bytes survive (NUL, invalid UTF-8: dead letters keep the original's),
 * where `text`/`jsonb` refuse some (22021, 22P05); and it costs less per row than jsonb.
 */
export function encodeHeaders(headers: Record<string, string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const valueBytes = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
    const lengths = Buffer.allocUnsafe(4);
    lengths.writeUInt32BE(nameBytes.length);
    const valueLength = Buffer.allocUnsafe(4);
    valueLength.writeUInt32BE(valueBytes.length);
    parts.push(lengths, nameBytes, valueLength, valueBytes);
  }
  return Buffer.concat(parts);
}

/** The headers encoded by encodeHeaders, values as the exact bytes written. */
export function decodeHeaders(bytes: Buffer): Record<string, Buffer> {
  const headers: Record<string, Buffer> = {};
  let at = 0;
  while (at < bytes.length) {
    const nameLength = bytes.readUInt32BE(at);
    const name = bytes.toString('utf8', at + 4, at + 4 + nameLength);
    at += 4 + nameLength;
    const valueLength = bytes.readUInt32BE(at);
    headers[name] = bytes.subarray(at + 4, at + 4 + valueLength);
    at += 4 + valueLength;
  }
  return headers;
}
