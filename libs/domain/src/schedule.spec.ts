import { DomainError, InvalidScheduleError } from './errors';
import { nextFireMs, parseSchedule, type Schedule } from './schedule';

const at = (iso: string) => Date.parse(iso);

function reasonOf(input: string): string {
  try {
    parseSchedule(input);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidScheduleError);
    expect(e).toBeInstanceOf(DomainError);
    expect((e as InvalidScheduleError).code).toBe('INVALID_SCHEDULE');
    expect((e as InvalidScheduleError).input).toBe(input);
    return (e as InvalidScheduleError).reason;
  }
  throw new Error(`${JSON.stringify(input)} was accepted`);
}

/**
 * The API validates `{cron_interval}` with parseSchedule and stores `spec`; the scheduler reads
 * `spec` back with parseSchedule. Before they shared this parser, the API refused `30s` and the
 * scheduler refused `@hourly`: every row here is accepted (or refused) by both now.
 */
describe('parseSchedule: one set of schedules for the API and the scheduler', () => {
  it.each<[string, Schedule]>([
    ['1m', { kind: 'interval', spec: '1m', interval: '1m' }],
    ['1s', { kind: 'interval', spec: '1s', interval: '1s' }],
    ['1w', { kind: 'interval', spec: '1w', interval: '1w' }],
    ['1M', { kind: 'interval', spec: '1M', interval: '1M' }],
    [' 4h ', { kind: 'interval', spec: '4h', interval: '4h' }],
    ['30s', { kind: 'every', spec: '30s', everyMs: 30_000 }],
    ['7m', { kind: 'every', spec: '7m', everyMs: 420_000 }],
    ['90m', { kind: 'every', spec: '90m', everyMs: 5_400_000 }],
    ['7d', { kind: 'every', spec: '7d', everyMs: 604_800_000 }],
    ['604800s', { kind: 'every', spec: '7d', everyMs: 604_800_000 }],
    // Durations that are intervals become them: they fire at the same instants.
    ['60s', { kind: 'interval', spec: '1m', interval: '1m' }],
    ['05m', { kind: 'interval', spec: '5m', interval: '5m' }],
    ['120m', { kind: 'interval', spec: '2h', interval: '2h' }],
    ['72h', { kind: 'interval', spec: '3d', interval: '3d' }],
    ['*/5 * * * *', { kind: 'cron', spec: '0 */5 * * * *' }],
    ['0 */5 * * * *', { kind: 'cron', spec: '0 */5 * * * *' }],
    ['*/5  *\t* * *', { kind: 'cron', spec: '0 */5 * * * *' }],
    ['0 */1 * * * *', { kind: 'cron', spec: '0 * * * * *' }],
    ['0 0 * * MON', { kind: 'cron', spec: '0 0 0 * * 1' }],
    ['0 0 * * 7', { kind: 'cron', spec: '0 0 0 * * 0' }],
    ['0 0 L * *', { kind: 'cron', spec: '0 0 0 L * *' }],
    ['@hourly', { kind: 'cron', spec: '0 0 * * * *' }],
    ['@HOURLY', { kind: 'cron', spec: '0 0 * * * *' }],
    ['@daily', { kind: 'cron', spec: '0 0 0 * * *' }],
    ['@midnight', { kind: 'cron', spec: '0 0 0 * * *' }],
    ['@weekly', { kind: 'cron', spec: '0 0 0 * * 0' }],
    ['@monthly', { kind: 'cron', spec: '0 0 0 1 * *' }],
    ['@yearly', { kind: 'cron', spec: '0 0 0 1 1 *' }],
    ['@annually', { kind: 'cron', spec: '0 0 0 1 1 *' }],
  ])('accepts %j as %j', (input, schedule) => {
    expect(parseSchedule(input)).toEqual(schedule);
    // What the API stores, the scheduler reads back as the same schedule.
    expect(parseSchedule(schedule.spec)).toEqual(schedule);
  });

  it('gives equal schedules equal specs, however they are written', () => {
    const specs = (inputs: string[]) => new Set(inputs.map((i) => parseSchedule(i).spec));
    expect(specs(['*/5 * * * *', '0 */5 * * * *', '0 0/5 * * * *', ' */5 * * * * '])).toEqual(new Set(['0 */5 * * * *']));
    expect(specs(['@hourly', '0 * * * *', '0 0 * * * *'])).toEqual(new Set(['0 0 * * * *']));
    expect(specs(['1d', '24h', '1440m', '86400s'])).toEqual(new Set(['1d']));
  });

  it.each([
    ['', /^it is empty; expected a kline interval/],
    ['   ', /^it is empty/],
    ['0s', /^a duration must be between 1s and 7d$/],
    ['8d', /^a duration must be between 1s and 7d$/],
    ['169h', /^a duration must be between 1s and 7d$/],
    ['1x', /^expected a kline interval .* a duration from 1s to 7d .* a cron expression of 5 or 6 fields, or a macro/],
    ['m1', /^expected a kline interval/],
    ['1.5h', /^expected a kline interval/],
    ['-1m', /^expected a kline interval/],
    ['* * *', /^expected a kline interval/],
    ['0 0 0 * * * 2024', /^expected a kline interval/],
    ["' OR 1=1 --", /^expected a kline interval/],
    ['1m; rm -rf /', /^expected a kline interval/],
    ['@reboot', /^unknown macro; expected/],
    ['@every 5m', /^unknown macro; expected/],
    ['H * * * *', /^hashed \(H\) cron fields are not supported/],
    ['0 H/5 * * * *', /^hashed \(H\) cron fields are not supported/],
    ['0 1,H * * *', /^hashed \(H\) cron fields are not supported/],
    ['h * * * *', /^hashed \(H\) cron fields are not supported/],
    ['61 * * * *', /^Constraint error, got value 61 expected range 0-59$/],
    ['0 0 0 0 * *', /^Constraint error, got value 0 expected range 1-31$/],
    ['0 0 30 2 *', /day of month/],
  ])('refuses %j, saying why', (input, why) => {
    expect(reasonOf(input)).toMatch(why);
  });

  it('puts the input, cut short, in the message', () => {
    expect(() => parseSchedule('8d')).toThrow('invalid schedule "8d": a duration must be between 1s and 7d');
    expect(() => parseSchedule('x'.repeat(200))).toThrow(`invalid schedule "${'x'.repeat(48)}…": expected a kline interval`);
  });

  it('does not mistake day names for hashed fields', () => {
    expect(parseSchedule('0 0 * * THU').spec).toBe('0 0 0 * * 4');
    expect(parseSchedule('0 0 * * mon-thu').spec).toBe('0 0 0 * * 1-4');
  });
});

describe('nextFireMs', () => {
  const next = (spec: string, iso: string) => new Date(nextFireMs(parseSchedule(spec), at(iso))).toISOString();

  it('fires every minute at :00, strictly after the given time', () => {
    expect(next('1m', '2024-07-19T00:00:00.000Z')).toBe('2024-07-19T00:01:00.000Z');
    expect(next('1m', '2024-07-19T00:00:59.999Z')).toBe('2024-07-19T00:01:00.000Z');
  });

  it('fires 1w on Mondays 00:00 UTC, not every 7 days from the epoch (a Thursday)', () => {
    expect(next('1w', '2024-07-19T05:00:00Z')).toBe('2024-07-22T00:00:00.000Z');
    expect(next('1w', '2024-07-21T23:59:59.999Z')).toBe('2024-07-22T00:00:00.000Z');
    expect(next('1w', '2024-07-22T00:00:00Z')).toBe('2024-07-29T00:00:00.000Z');
    expect(next('7d', '2024-07-19T05:00:00Z')).toBe('2024-07-25T00:00:00.000Z'); // a Thursday
    expect(next('0 0 * * 1', '2024-07-19T00:00:00Z')).toBe('2024-07-22T00:00:00.000Z');
  });

  it('fires 1M on the first of each month, over month ends and leap days', () => {
    expect(next('1M', '2024-01-31T23:59:59.999Z')).toBe('2024-02-01T00:00:00.000Z');
    expect(next('1M', '2024-02-10T00:00:00Z')).toBe('2024-03-01T00:00:00.000Z');
    expect(next('1M', '2024-12-31T12:00:00Z')).toBe('2025-01-01T00:00:00.000Z');
    expect(next('@monthly', '2024-02-01T00:00:00Z')).toBe('2024-03-01T00:00:00.000Z');
  });

  it('follows cron month ends: L, and a day 31 that skips short months', () => {
    expect(next('0 0 L * *', '2024-02-01T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(next('0 0 L * *', '2023-02-01T00:00:00Z')).toBe('2023-02-28T00:00:00.000Z');
    expect(next('0 0 L * *', '2024-04-30T00:00:00Z')).toBe('2024-05-31T00:00:00.000Z');
    expect(next('0 0 31 * *', '2024-04-01T00:00:00Z')).toBe('2024-05-31T00:00:00.000Z');
  });

  it('fires durations on multiples since the epoch, strictly after', () => {
    expect(next('30s', '2024-07-19T00:00:00Z')).toBe('2024-07-19T00:00:30.000Z');
    expect(next('30s', '2024-07-19T00:00:29.999Z')).toBe('2024-07-19T00:00:30.000Z');
    expect(next('4h', '2024-07-19T05:10:00Z')).toBe('2024-07-19T08:00:00.000Z');
    expect(nextFireMs(parseSchedule('7m'), 0)).toBe(420_000);
    expect(nextFireMs(parseSchedule('7m'), 420_000 * 1000 + 1)).toBe(420_000 * 1001);
    expect(next('90m', '2024-07-19T23:59:00Z')).toBe('2024-07-20T00:00:00.000Z'); // 16 × 90m a day
    expect(next('3d', '2017-08-01T00:00:00Z')).toBe('2017-08-04T00:00:00.000Z');
  });

  it('follows cron expressions in UTC, strictly after, to the second', () => {
    expect(next('*/5 * * * *', '2023-11-14T22:13:20Z')).toBe('2023-11-14T22:15:00.000Z');
    expect(next('*/5 * * * *', '2023-11-14T22:15:00Z')).toBe('2023-11-14T22:20:00.000Z');
    expect(next('*/10 * * * * *', '2023-11-14T22:15:00.500Z')).toBe('2023-11-14T22:15:10.000Z');
    expect(next('@hourly', '2023-12-31T23:00:00Z')).toBe('2024-01-01T00:00:00.000Z');
    expect(next('@yearly', '2023-12-31T23:59:59.999Z')).toBe('2024-01-01T00:00:00.000Z');
  });

  it('walks forward one fire at a time for every kind', () => {
    for (const spec of ['1m', '1M', '1w', '30s', '90m', '0 */5 * * * *', '@weekly', '0 0 L * *']) {
      const s = parseSchedule(spec);
      let t = at('2024-02-27T13:37:00Z');
      for (let i = 0; i < 20; i++) {
        const fire = nextFireMs(s, t);
        expect(fire).toBeGreaterThan(t);
        expect(nextFireMs(s, fire - 1)).toBe(fire);
        t = fire;
      }
    }
  });
});
