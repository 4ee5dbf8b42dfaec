import { TurnBudget } from '@exgate/runtime';
import { toInsertPayload } from './json-lines';

/** What the payload is defined to be: each row's values (or the row itself) through JSON.stringify. */
function oracle(rows: readonly Record<string, unknown>[]): { format: string; text: string } {
  const columns = Object.keys(rows[0] ?? {});
  const same = rows.every((r) => Object.keys(r).join() === columns.join() && columns.every((c) => r[c] !== undefined));
  return same
    ? { format: 'JSONCompactEachRow', text: rows.map((r) => `${JSON.stringify(columns.map((c) => r[c]))}\n`).join('') }
    : { format: 'JSONEachRow', text: `${rows.map((r) => JSON.stringify(r)).join('\n')}\n` };
}

const payload = async (rows: readonly Record<string, unknown>[]) => {
  const p = await toInsertPayload(rows);
  return { format: p.format, text: p.body.toString('utf8') };
};

describe('insert payloads', () => {
  it('writes rows of the same keys as JSONCompactEachRow, column by column, as JSON.stringify would', async () => {
    const rows = [
      { exchange: 'binance-usdm', id: 5183005736, price: '63943.9', is_buyer_maker: true, last: null, at: 1721347200000 },
      { exchange: 'okx', id: 0, price: '0.00000001', is_buyer_maker: false, last: 7, at: -0 },
    ];
    expect(await payload(rows)).toEqual(oracle(rows));
    expect((await toInsertPayload(rows)).columns).toEqual(['exchange', 'id', 'price', 'is_buyer_maker', 'last', 'at']);
    expect((await payload(rows)).text).toBe('["binance-usdm",5183005736,"63943.9",true,null,1721347200000]\n["okx",0,"0.00000001",false,7,0]\n');
  });

  it('escapes what JSON escapes: quotes, backslashes, control characters, lone surrogates; keeps other text as it is', async () => {
    const texts = ['a"b', 'back\\slash', 'tab\there', 'nl\n', '\u0000\u001f', 'lone \ud800', 'pair 🔑', 'Ünïcödé ключ 鍵', '', '\u007f\u2028'];
    const rows = texts.map((t, i) => ({ source_id: t, n: i }));
    expect(await payload(rows)).toEqual(oracle(rows));
  });

  it('writes every row whole when text beyond ASCII fills the buffer sized for ASCII, wherever it starts', async () => {
    const texts = ['Ünïcödé ключ 鍵', 'pair 🔑', 'lone \ud800', 'ascii'];
    for (let n = 1; n <= 60; n++) {
      const rows = Array.from({ length: n }, (_, i) => ({ source_id: i < n / 3 ? 'a' : texts[(i + n) % texts.length]!, n: i }));
      expect(await payload(rows)).toEqual(oracle(rows));
    }
  });

  it('writes numbers as JSON does: exponents, non-finite as null', async () => {
    const values = [1e21, 1.5e-7, -3.25, Number.MAX_SAFE_INTEGER, Number.NaN, Number.POSITIVE_INFINITY, -0];
    const rows = values.map((v) => ({ v }));
    expect(await payload(rows)).toEqual(oracle(rows));
  });

  it('falls back to JSONEachRow when a row lacks a column, has one more, holds undefined, or orders its keys otherwise', async () => {
    for (const rows of [
      [{ a: 1, b: 2 }, { b: 2, a: 1 }],
      [{ a: 1, b: 2 }, { a: 1 }],
      [{ a: 1 }, { a: 1, b: 2 }],
      [{ a: 1, b: 2 }, { a: 1, b: undefined }],
      [{ a: 1, b: 2 }, { a: 1, c: 2 }],
    ]) {
      expect(await payload(rows)).toEqual(oracle(rows));
      expect((await payload(rows)).format).toBe('JSONEachRow');
    }
  });

  it('writes no bytes for no rows', async () => {
    expect((await toInsertPayload([])).body.length).toBe(0);
  });

  it('lets the event loop run while it writes a large batch, and writes the same bytes', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ id: i, price: `${i}.5`, side: i % 2 === 0 }));
    // A 1 ms budget: 20,000 rows take several, so a timer due at once fires before the payload is done.
    let fired = 0;
    const timer = setInterval(() => (fired += 1), 0);
    const p = await toInsertPayload(rows, new TurnBudget(1));
    clearInterval(timer);
    expect(p.body.toString('utf8')).toBe(oracle(rows).text);
    expect(fired).toBeGreaterThan(0);
  });
});
