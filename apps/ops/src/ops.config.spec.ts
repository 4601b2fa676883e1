import { loadOpsConfig } from './ops.config';

describe('ops configuration: the broker connection', () => {
  it('connects with SASL when all three variables are set', () => {
    const config = loadOpsConfig({
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'ops',
      KAFKA_SASL_PASSWORD: 'a-password',
      KAFKA_SSL: 'true',
    });
    expect(config.kafkaConnection()).toEqual({
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'ops', password: 'a-password' },
    });
  });

  it('connects without SASL when none is set', () => {
    expect(loadOpsConfig({}).kafkaConnection()).toEqual({ ssl: false, sasl: undefined });
  });

  it('refuses one or two of the three instead of silently connecting without SASL', () => {
    expect(() => loadOpsConfig({ KAFKA_SASL_USERNAME: 'ops', KAFKA_SASL_PASSWORD: 'pw' })).toThrow(
      /go together/,
    );
  });
});
