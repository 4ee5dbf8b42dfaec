import { DomainError } from './errors';
import { formatTimeZone, parseTimeZone } from './timezone';

const H = 3_600_000;

describe('parseTimeZone', () => {
  it.each([
    ['+08:00', 8 * H],
    ['08:00', 8 * H],
    ['8', 8 * H],
    ['0', 0],
    ['-0', 0],
    ['-1:00', -H],
    ['05:45', 5 * H + 45 * 60_000],
    ['+14:00', 14 * H],
    ['-12:00', -12 * H],
    ['UTC', 0],
    ['Z', 0],
  ])('reads %s as %d ms east of UTC', (text, offsetMs) => {
    expect(parseTimeZone(text)).toBe(offsetMs);
  });

  it.each(['+14:01', '-12:30', '15', '8:60', '+8:0', '08:00:00', 'Asia/Singapore', '', '+', '1.5'])(
    'refuses %j (Binance accepts [-12:00, +14:00] as H or HH:MM)',
    (text) => {
      expect(() => parseTimeZone(text)).toThrow(DomainError);
      try {
        parseTimeZone(text);
      } catch (e) {
        expect((e as DomainError).code).toBe('INVALID_TIME_ZONE');
      }
    },
  );

  it('formats offsets back as ±HH:MM', () => {
    expect(formatTimeZone(8 * H)).toBe('+08:00');
    expect(formatTimeZone(0)).toBe('+00:00');
    expect(formatTimeZone(-(5 * H + 30 * 60_000))).toBe('-05:30');
    expect(parseTimeZone(formatTimeZone(5 * H + 45 * 60_000))).toBe(5 * H + 45 * 60_000);
  });
});
