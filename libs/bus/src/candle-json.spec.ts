import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isExgateError } from '@exgate/errors';
import { candleFromJson, candleJsonCodec, candleToJson } from './candle-json';
import { fixtureCandles } from './testing';

const doc = readFileSync(path.join(__dirname, '../../../docs/kafka.md'), 'utf8');
const example = /```json\n(.+)\n```/.exec(doc)![1]!;

const refusal = (value: unknown): string => {
  try {
    candleFromJson(value);
  } catch (e) {
    if (isExgateError(e, 'MALFORMED_FRAME')) return e.message;
    throw e;
  }
  throw new Error('accepted');
};

describe('the JSON candle encoding', () => {
  it('is what docs/kafka.md shows, field for field and in that order', () => {
    expect(JSON.stringify(candleToJson(candleFromJson(JSON.parse(example))))).toBe(example);
  });

  it('round-trips every fixture candle exactly, decimals as the strings they were', () => {
    for (const c of fixtureCandles()) expect(candleJsonCodec.decode(candleJsonCodec.encode(c))).toEqual(c);
    const c = { ...fixtureCandles()[1]!, close: '63946.30', quoteVolume: '6489123.456789012345678901' };
    expect(new TextDecoder().decode(candleJsonCodec.encode(c))).toContain('"close":"63946.30","volume"');
    expect(candleJsonCodec.decode(candleJsonCodec.encode(c)).quoteVolume).toBe('6489123.456789012345678901');
  });

  it('refuses what exgate never writes, naming the field', () => {
    const ok = JSON.parse(example) as Record<string, unknown>;
    expect(refusal({ ...ok, close: 63946.3 })).toMatch(/close/);
    expect(refusal({ ...ok, close: '6.3e4' })).toMatch(/close: a plain decimal string/);
    expect(refusal({ ...ok, open_time: 1.5 })).toMatch(/open_time/);
    expect(refusal({ ...ok, interval: '7m' })).toMatch(/interval/);
    expect(refusal({ ...ok, state: 'open' })).toMatch(/state/);
    expect(refusal({ ...ok, extra: 1 })).toMatch(/extra/);
    const { version: _version, ...withoutVersion } = ok;
    expect(refusal(withoutVersion)).toMatch(/version/);
    expect(() => candleJsonCodec.decode(new TextEncoder().encode('{"exchange":'))).toThrow(/undecodable candle JSON/);
  });
});
