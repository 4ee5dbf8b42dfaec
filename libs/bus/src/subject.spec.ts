import { isValidPattern, isValidSubject, subjectMatches } from './subject';
import { subjects } from './ports';

describe('NATS subject matching', () => {
  it('matches literal subjects exactly', () => {
    expect(subjectMatches('exgate.ticks.binance-usdm', 'exgate.ticks.binance-usdm')).toBe(true);
    expect(subjectMatches('exgate.ticks.binance-usdm', 'exgate.ticks.binance')).toBe(false);
    expect(subjectMatches('exgate.ticks', 'exgate.ticks.binance')).toBe(false);
  });

  it('lets * stand for exactly one token', () => {
    expect(subjectMatches(subjects.allTicks, subjects.tick('binance-usdm'))).toBe(true);
    expect(subjectMatches('exgate.*.binance', 'exgate.ticks.binance')).toBe(true);
    expect(subjectMatches('exgate.ticks.*', 'exgate.ticks.binance.extra')).toBe(false);
    expect(subjectMatches('exgate.ticks.*', 'exgate.ticks')).toBe(false);
  });

  it('lets a trailing > stand for one or more tokens', () => {
    const subject = subjects.candle('binance-usdm', 'BTCUSDT', '1m');
    expect(subject).toBe('exgate.candles.binance-usdm.BTCUSDT.1m');
    expect(subjectMatches(subjects.allCandles, subject)).toBe(true);
    expect(subjectMatches('exgate.candles.binance-usdm.>', subject)).toBe(true);
    expect(subjectMatches('exgate.candles.>', 'exgate.candles')).toBe(false);
    expect(subjectMatches('>', 'anything.at.all')).toBe(true);
  });

  it('rejects subjects with wildcards or empty tokens, and > anywhere but last', () => {
    expect(isValidSubject('exgate.ticks.binance')).toBe(true);
    expect(isValidSubject('exgate.*.binance')).toBe(false);
    expect(isValidSubject('exgate..binance')).toBe(false);
    expect(isValidSubject('exgate.ticks binance')).toBe(false);
    expect(isValidPattern('exgate.*.binance.>')).toBe(true);
    expect(isValidPattern('exgate.>.binance')).toBe(false);
    expect(isValidPattern('exgate.ti*')).toBe(false);
  });
});
