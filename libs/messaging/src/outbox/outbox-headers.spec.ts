import { decodeHeaders, encodeHeaders } from './outbox-headers';

describe('outbox header bytes', () => {
  it('round-trips any bytes in header values and any text in header names, in order', () => {
    const headers = {
      'content-type': 'application/json',
      'x\u0000nul-name': Buffer.from([0x00, 0xff, 0xfe, 0xc3, 0x28]),
      empty: '',
      ünïcode: 'välue \u0000',
    };
    const decoded = decodeHeaders(encodeHeaders(headers));
    expect(Object.keys(decoded)).toEqual(Object.keys(headers));
    for (const [name, value] of Object.entries(headers)) {
      expect(decoded[name].equals(Buffer.isBuffer(value) ? value : Buffer.from(value))).toBe(true);
    }
  });

  it('encodes no headers as no bytes', () => {
    expect(encodeHeaders({}).length).toBe(0);
    expect(decodeHeaders(Buffer.alloc(0))).toEqual({});
  });
});
