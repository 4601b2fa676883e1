// Integration tests start real processes against a real broker: give them time.
jest.setTimeout(180_000);
