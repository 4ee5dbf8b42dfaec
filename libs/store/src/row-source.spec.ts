import { ExgateError } from '@exgate/errors';
import type { RowSource } from './ports';
import { rowsOf } from './row-source';

const DOUBLES: RowSource<number> = {
  columns: ['n', 'twice'],
  values: (n, into) => {
    into[0] = n;
    into[1] = 2 * n;
  },
  row: (n) => {
    if (n < 0) throw new ExgateError('INVALID_ARGUMENT', `negative: ${n}`);
    return { n, twice: 2 * n };
  },
};

describe('rowsOf', () => {
  it("gives every item's row, in order", async () => {
    const items = Array.from({ length: 20_000 }, (_, i) => i);
    const rows = await rowsOf(items, DOUBLES);
    expect(rows).toHaveLength(items.length);
    expect([rows[0], rows[1], rows[19_999]]).toEqual([{ n: 0, twice: 0 }, { n: 1, twice: 2 }, { n: 19_999, twice: 39_998 }]);
  });

  it('throws the first refusal of the source', async () => {
    await expect(rowsOf([1, -2, -3], DOUBLES)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: 'negative: -2' });
  });
});
