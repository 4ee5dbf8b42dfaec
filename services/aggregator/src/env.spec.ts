import { isExgateError } from '@exgate/errors';
import { parseConfig } from '@exgate/runtime';
import { aggregatorEnv } from './env';

const parse = (vars: Record<string, string>) => parseConfig(aggregatorEnv, vars, ['AGGREGATOR_']);

describe('aggregator environment', () => {
  it('keeps the Kafka default session timeout of 30 s', () => {
    expect(parse({}).AGGREGATOR_SESSION_TIMEOUT_MS).toBe(30_000);
  });

  it('takes a session timeout between the broker default minimum (6 s) and 5 min', () => {
    expect(parse({ AGGREGATOR_SESSION_TIMEOUT_MS: '6000' }).AGGREGATOR_SESSION_TIMEOUT_MS).toBe(6000);
    expect(parse({ AGGREGATOR_SESSION_TIMEOUT_MS: '300000' }).AGGREGATOR_SESSION_TIMEOUT_MS).toBe(300_000);
  });

  it.each(['5999', '300001', '10.5', 'soon'])('refuses the session timeout %s', (value) => {
    let error: unknown;
    try {
      parse({ AGGREGATOR_SESSION_TIMEOUT_MS: value });
    } catch (e) {
      error = e;
    }
    expect(isExgateError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain('AGGREGATOR_SESSION_TIMEOUT_MS');
  });

  it('publishes the JSON candle topic only when asked (docs/kafka.md)', () => {
    expect(parse({}).KAFKA_CANDLES_JSON).toBe(false);
    expect(parse({ KAFKA_CANDLES_JSON: 'true' }).KAFKA_CANDLES_JSON).toBe(true);
    expect(parse({ KAFKA_CANDLES_JSON: 'yes' }).KAFKA_CANDLES_JSON).toBe(true);
    expect(parse({ KAFKA_CANDLES_JSON: '0' }).KAFKA_CANDLES_JSON).toBe(false);
    expect(() => parse({ KAFKA_CANDLES_JSON: 'json' })).toThrow(/KAFKA_CANDLES_JSON/);
  });
});
