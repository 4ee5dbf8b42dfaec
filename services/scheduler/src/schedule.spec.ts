import { nextFireMs, parseSchedule } from './schedule';

const at = (iso: string) => Date.parse(iso);

describe('parseSchedule', () => {
  it('reads kline intervals as their own alignment', () => {
    expect(parseSchedule('1m')).toEqual({ kind: 'interval', spec: '1m', interval: '1m' });
    expect(parseSchedule('1M')).toEqual({ kind: 'interval', spec: '1M', interval: '1M' });
  });

  it('reads other durations as aligned periods', () => {
    expect(parseSchedule('30s')).toEqual({ kind: 'every', spec: '30s', everyMs: 30_000 });
    expect(parseSchedule('10m')).toEqual({ kind: 'every', spec: '10m', everyMs: 600_000 });
  });

  it('reads 5- and 6-field cron expressions', () => {
    expect(parseSchedule('*/5 * * * *')).toEqual({ kind: 'cron', spec: '*/5 * * * *' });
    expect(parseSchedule('0 */1 * * * *')).toEqual({ kind: 'cron', spec: '0 */1 * * * *' });
  });

  it.each(['0s', '8d', '1x', 'm1', '', '* * *', '61 * * * *', 'DROP TABLE', '1m; rm -rf /'])(
    'rejects %p with a message that says what is allowed',
    (spec) => {
      expect(() => parseSchedule(spec)).toThrow(/schedule/);
    },
  );
});

describe('nextFireMs', () => {
  it('fires every minute at :00, strictly after the given time', () => {
    const s = parseSchedule('1m');
    expect(nextFireMs(s, at('2024-07-19T00:00:00.000Z'))).toBe(at('2024-07-19T00:01:00.000Z'));
    expect(nextFireMs(s, at('2024-07-19T00:00:59.999Z'))).toBe(at('2024-07-19T00:01:00.000Z'));
  });

  it('fires weekly on Mondays and monthly on the first, as those candles close', () => {
    expect(nextFireMs(parseSchedule('1w'), at('2024-07-19T05:00:00Z'))).toBe(at('2024-07-22T00:00:00Z'));
    expect(nextFireMs(parseSchedule('1M'), at('2024-02-10T00:00:00Z'))).toBe(at('2024-03-01T00:00:00Z'));
  });

  it('fires 4h schedules on UTC multiples of four hours', () => {
    expect(nextFireMs(parseSchedule('4h'), at('2024-07-19T05:10:00Z'))).toBe(at('2024-07-19T08:00:00Z'));
  });

  it('follows cron expressions in UTC', () => {
    expect(nextFireMs(parseSchedule('*/5 * * * *'), at('2023-11-14T22:13:20Z'))).toBe(at('2023-11-14T22:15:00Z'));
    expect(nextFireMs(parseSchedule('0 0 * * 1'), at('2024-07-19T00:00:00Z'))).toBe(at('2024-07-22T00:00:00Z'));
  });
});

