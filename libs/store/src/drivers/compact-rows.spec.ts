import fc from 'fast-check';
import { TurnBudget } from '@exgate/runtime';
import { compactRows } from './compact-rows';

/** The definition: each row's values through JSON.stringify, a line each, as UTF-8. */
const oracle = (rows: readonly Record<string, unknown>[], columns: readonly string[]) =>
  Buffer.from(rows.map((r) => `${JSON.stringify(columns.map((c) => r[c]))}\n`).join(''));

const written = (rows: readonly Record<string, unknown>[], columns: readonly string[]) => compactRows(rows, columns, new TurnBudget(1e9));

describe('compact rows written byte by byte', () => {
  it('writes integers as JSON does at every magnitude, around each power of ten and 10^8 split', async () => {
    const values: number[] = [0, -0, 1, -1, 9, 10, 99_999_999, 100_000_000, 100_000_001, -100_000_000];
    for (let p = 1; p <= 1e15; p *= 10) values.push(p - 1, p, p + 1, -p, 7 * p + 3);
    // The largest quotients by 10^8 with the largest remainders: where a rounded division would show.
    for (let k = 90_071_992; k > 90_071_900; k--) values.push(k * 1e8 - 1, k * 1e8 - 1e8 + 1);
    values.push(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53 - 2, 1_721_347_200_000, 5_183_005_736);
    const rows = values.map((v) => ({ v }));
    expect((await written(rows, ['v']))?.toString()).toBe(oracle(rows, ['v']).toString());
  });

  it('equals JSON.stringify on random rows of integers, fractions, text of any kind, booleans and null', async () => {
    const value = fc.oneof(
      fc.maxSafeInteger(),
      fc.integer(),
      fc.double(),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme-ascii' }),
      fc.constantFrom('64250.10', '0.00000001', 'binance-usdm', '', 'a"b\\c', '\u0000', '\ud800'),
      fc.boolean(),
      fc.constant(null),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(value, value, value), { maxLength: 40 }), async (tuples) => {
        const rows = tuples.map(([a, b, c]) => ({ a, b, c }));
        const got = await written(rows, ['a', 'b', 'c']);
        expect(got?.equals(oracle(rows, ['a', 'b', 'c']))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('grows its buffer for long text wherever it falls, and keeps what came before', async () => {
    for (let n = 1; n <= 40; n++) {
      const rows = Array.from({ length: n }, (_, i) => ({ id: i, text: i === n - 1 ? 'ключ 🔑 '.repeat(200) : 'x'.repeat(i * 13) }));
      expect((await written(rows, ['id', 'text']))?.equals(oracle(rows, ['id', 'text']))).toBe(true);
    }
  });

  it('gives up on a row of other keys, another order, one key more or less, or an undefined value', async () => {
    const columns = ['a', 'b'];
    for (const odd of [{ b: 1, a: 2 }, { a: 1 }, { a: 1, b: 2, c: 3 }, { a: 1, c: 2 }, { a: 1, b: undefined }]) {
      expect(await written([{ a: 1, b: 2 }, odd], columns)).toBeUndefined();
    }
    expect((await written([], columns))?.length).toBe(0);
  });
});
