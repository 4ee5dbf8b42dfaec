import fc from 'fast-check';
import {
  closeTimeMs, DAY_MS, INTERVALS, intervalMs, isInterval, nestsIn, nextOpenTimeMs, openTimeMs, type IntervalId,
} from './interval';

const utc = (iso: string) => Date.parse(iso);
const H = 3_600_000;

describe('bucket alignment in UTC', () => {
  it.each([
    ['1s', '2024-07-18T23:57:02.956Z', '2024-07-18T23:57:02.000Z'],
    ['1m', '2024-07-18T23:57:02.956Z', '2024-07-18T23:57:00.000Z'],
    ['3m', '2024-07-18T23:57:02.956Z', '2024-07-18T23:57:00.000Z'],
    ['5m', '2024-07-18T23:57:02.956Z', '2024-07-18T23:55:00.000Z'],
    ['15m', '2024-07-18T23:57:02.956Z', '2024-07-18T23:45:00.000Z'],
    ['30m', '2024-07-18T23:57:02.956Z', '2024-07-18T23:30:00.000Z'],
    ['1h', '2024-07-18T23:57:02.956Z', '2024-07-18T23:00:00.000Z'],
    ['2h', '2024-07-18T23:57:02.956Z', '2024-07-18T22:00:00.000Z'],
    ['4h', '2024-07-18T23:57:02.956Z', '2024-07-18T20:00:00.000Z'],
    ['6h', '2024-07-18T23:57:02.956Z', '2024-07-18T18:00:00.000Z'],
    ['8h', '2024-07-18T23:57:02.956Z', '2024-07-18T16:00:00.000Z'],
    ['12h', '2024-07-18T23:57:02.956Z', '2024-07-18T12:00:00.000Z'],
    ['1d', '2024-07-18T23:57:02.956Z', '2024-07-18T00:00:00.000Z'],
  ] as const)('%s bucket of %s opens at %s', (interval, at, open) => {
    expect(openTimeMs(interval, utc(at))).toBe(utc(open));
  });

  it('opens weeks on Monday 00:00 UTC, although the epoch was a Thursday', () => {
    expect(openTimeMs('1w', 0)).toBe(utc('1969-12-29T00:00:00Z'));
    expect(openTimeMs('1w', utc('2024-03-03T23:59:59.999Z'))).toBe(utc('2024-02-26T00:00:00Z')); // Sunday
    expect(openTimeMs('1w', utc('2024-03-04T00:00:00Z'))).toBe(utc('2024-03-04T00:00:00Z')); // Monday
    expect(closeTimeMs('1w', utc('2024-02-26T00:00:00Z'))).toBe(utc('2024-03-03T23:59:59.999Z'));
    // Flooring by 7 days from the epoch would give Thursdays: not Binance's weeks.
    expect(new Date(openTimeMs('1w', utc('2024-07-18T12:00:00Z'))).getUTCDay()).toBe(1);
  });

  it('opens months on the 1st and knows leap years (2024 and 2000 are, 2100 and 2023 are not)', () => {
    expect(openTimeMs('1M', utc('2024-02-29T12:00:00Z'))).toBe(utc('2024-02-01T00:00:00Z'));
    expect(closeTimeMs('1M', utc('2024-02-01T00:00:00Z'))).toBe(utc('2024-02-29T23:59:59.999Z'));
    expect(closeTimeMs('1M', utc('2023-02-01T00:00:00Z'))).toBe(utc('2023-02-28T23:59:59.999Z'));
    expect(closeTimeMs('1M', utc('2000-02-01T00:00:00Z'))).toBe(utc('2000-02-29T23:59:59.999Z'));
    expect(closeTimeMs('1M', utc('2100-02-01T00:00:00Z'))).toBe(utc('2100-02-28T23:59:59.999Z'));
    expect(openTimeMs('1M', utc('2100-03-01T00:00:00Z'))).toBe(utc('2100-03-01T00:00:00Z'));
    expect(nextOpenTimeMs('1M', utc('2024-12-01T00:00:00Z'))).toBe(utc('2025-01-01T00:00:00Z'));
    expect(openTimeMs('1M', utc('2024-03-31T23:59:59.999Z'))).toBe(utc('2024-03-01T00:00:00Z'));
  });

  it('has the leap day in its own 1d and in February’s 1M bucket', () => {
    const leapDay = utc('2024-02-29T00:00:00Z');
    expect(openTimeMs('1d', leapDay + 1)).toBe(leapDay);
    expect(nextOpenTimeMs('1d', leapDay)).toBe(utc('2024-03-01T00:00:00Z'));
  });

  it('aligns 3d on days since the epoch divisible by 3, as Binance’s 3d klines open', () => {
    // A Binance 3d openTime: 2017-08-01 (day 17379 = 3 × 5793).
    const binance3d = 1501545600000;
    expect(openTimeMs('3d', binance3d)).toBe(binance3d);
    expect(openTimeMs('3d', binance3d + 3 * DAY_MS - 1)).toBe(binance3d);
    expect(openTimeMs('3d', binance3d - 1)).toBe(binance3d - 3 * DAY_MS);
    // node-binance-api#155: on 2018-06-27 the forming 6h, 12h, 1d and 3d klines shared their open.
    const day = utc('2018-06-27T03:00:00Z');
    expect(new Set(['6h', '12h', '1d', '3d'].map((i) => openTimeMs(i as IntervalId, day)))).toEqual(new Set([utc('2018-06-27T00:00:00Z')]));
    expect(openTimeMs('3d', utc('2024-03-01T00:00:00Z'))).toBe(utc('2024-02-29T00:00:00Z'));
    expect(closeTimeMs('3d', utc('2024-02-29T00:00:00Z'))).toBe(utc('2024-03-02T23:59:59.999Z'));
  });

  it('has close = next open − 1 ms for every interval at any time (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...INTERVALS),
        fc.integer({ min: utc('2017-01-01T00:00:00Z'), max: utc('2105-01-01T00:00:00Z') }),
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        (interval, timeMs, offsetMinutes) => {
          const tz = offsetMinutes * 60_000;
          const open = openTimeMs(interval, timeMs, tz);
          const next = nextOpenTimeMs(interval, open, tz);
          expect(open).toBeLessThanOrEqual(timeMs);
          expect(timeMs).toBeLessThan(next);
          expect(closeTimeMs(interval, open, tz)).toBe(next - 1);
          expect(openTimeMs(interval, open, tz)).toBe(open);
          expect(openTimeMs(interval, next, tz)).toBe(next);
          const length = intervalMs(interval);
          if (length !== null) expect(next - open).toBe(length);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('bucket alignment with a time-zone offset', () => {
  const plus8 = 8 * H;

  it('opens +08:00 days at local midnight, 16:00 UTC the day before (HotBit, Binance @+08:00)', () => {
    // ccxt#23252: Binance spot 1d with timezone 8 returned openTime 1722268800000.
    expect(openTimeMs('1d', utc('2024-07-30T04:55:34Z'), plus8)).toBe(1722268800000);
    expect(new Date(1722268800000).toISOString()).toBe('2024-07-29T16:00:00.000Z');
    expect(closeTimeMs('1d', 1722268800000, plus8)).toBe(utc('2024-07-30T15:59:59.999Z'));
  });

  it('moves only the intervals whose length does not divide the offset', () => {
    const at = utc('2024-07-18T23:57:02.956Z');
    const moved = INTERVALS.filter((i) => openTimeMs(i, at, plus8) !== openTimeMs(i, at));
    expect(moved).toEqual(['6h', '12h', '1d', '3d', '1w', '1M']);
    const plus545 = 5 * H + 45 * 60_000;
    expect(INTERVALS.filter((i) => openTimeMs(i, at, plus545) !== openTimeMs(i, at)))
      .toEqual(['30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M']);
  });

  it('opens +08:00 weeks on local Monday and months on the local 1st', () => {
    expect(openTimeMs('1w', utc('2024-03-03T16:00:00Z'), plus8)).toBe(utc('2024-03-03T16:00:00Z'));
    expect(openTimeMs('1w', utc('2024-03-03T15:59:59.999Z'), plus8)).toBe(utc('2024-02-25T16:00:00Z'));
    expect(openTimeMs('1M', utc('2024-02-29T16:00:00Z'), plus8)).toBe(utc('2024-02-29T16:00:00Z'));
    expect(closeTimeMs('1M', utc('2024-01-31T16:00:00Z'), plus8)).toBe(utc('2024-02-29T15:59:59.999Z'));
  });

  it('handles negative offsets (-12:00) across the year boundary', () => {
    const minus12 = -12 * H;
    expect(openTimeMs('1d', utc('2025-01-01T11:59:59Z'), minus12)).toBe(utc('2024-12-31T12:00:00Z'));
    expect(openTimeMs('1M', utc('2025-01-01T11:59:59Z'), minus12)).toBe(utc('2024-12-01T12:00:00Z'));
    expect(openTimeMs('1M', utc('2025-01-01T12:00:00Z'), minus12)).toBe(utc('2025-01-01T12:00:00Z'));
  });
});

describe('which intervals fold into which', () => {
  it('nests fixed intervals that divide, and day divisors into weeks and months', () => {
    expect(nestsIn('1m', '3m')).toBe(true);
    expect(nestsIn('3m', '5m')).toBe(false);
    expect(nestsIn('4h', '6h')).toBe(false);
    expect(nestsIn('6h', '12h')).toBe(true);
    expect(nestsIn('1d', '3d')).toBe(true);
    expect(nestsIn('1d', '1w')).toBe(true);
    expect(nestsIn('3d', '1w')).toBe(false);
    expect(nestsIn('1w', '1M')).toBe(false);
    expect(nestsIn('12h', '1M')).toBe(true);
  });

  it('knows its 16 interval names', () => {
    expect(INTERVALS).toHaveLength(16);
    expect(isInterval('1M')).toBe(true);
    expect(isInterval('1mo')).toBe(false);
  });
});
