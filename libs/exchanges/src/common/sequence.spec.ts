import { sequenceGap } from './connection';

const trades = (stream: string, value: number) => ({ type: 'trades' as const, trades: [], sequence: { stream, value } });

describe('sequenceGap: an exchange counter per connection and stream', () => {
  it('starts at whatever comes first, then wants exactly one more each time', () => {
    const last = new Map<string, number>();
    expect(sequenceGap(last, trades('MATCH', 101))).toBeNull();
    expect(sequenceGap(last, trades('MATCH', 102))).toBeNull();
    expect(sequenceGap(last, { type: 'control', detail: 'ack' })).toBeNull();
    expect(sequenceGap(last, trades('MATCH', 105))).toBe('sequence gap on MATCH: 102 then 105');
  });

  it('counts streams apart, and calls a repeat or a step back a gap too', () => {
    const last = new Map<string, number>();
    expect(sequenceGap(last, trades('A', 0))).toBeNull();
    expect(sequenceGap(last, trades('B', 81_053_124))).toBeNull();
    expect(sequenceGap(last, trades('A', 1))).toBeNull();
    expect(sequenceGap(last, trades('A', 1))).toBe('sequence gap on A: 1 then 1');
    expect(sequenceGap(last, trades('B', 81_053_123))).toBe('sequence gap on B: 81053124 then 81053123');
    expect(sequenceGap(last, { type: 'rejected', rejection: { kind: 'schema', reason: '', sample: '' } })).toBeNull();
  });

  it('counts a rejected message that carries its number like any other', () => {
    const last = new Map<string, number>();
    const rejection = { kind: 'bad_decimal' as const, reason: '', sample: '' };
    expect(sequenceGap(last, trades('MATCH', 7))).toBeNull();
    expect(sequenceGap(last, { type: 'rejected', rejection, sequence: { stream: 'MATCH', value: 8 } })).toBeNull();
    expect(sequenceGap(last, trades('MATCH', 9))).toBeNull();
    expect(sequenceGap(last, { type: 'rejected', rejection, sequence: { stream: 'MATCH', value: 11 } })).toBe('sequence gap on MATCH: 9 then 11');
  });
});
