import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { isExgateError } from '@exgate/errors';
import { TurnBudget } from '@exgate/runtime';
import type { Candle, Trade } from '@exgate/domain';
import { INTERVALS } from '@exgate/domain';
import { CANDLE_ROWS, candleToRow, TRADE_ROWS, tradeToRow } from '../rows';
import { migrate } from '../schema/migrate';
import { ChdbDriver } from './chdb-driver';
import { rowBinary, rowBinaryOf } from './row-binary';

/** Every type the RowBinary path writes, at each width. */
const COLUMNS: readonly (readonly [string, string])[] = [
  ['k', 'UInt32'],
  ['s', 'String'],
  ['lc', 'LowCardinality(String)'],
  ['e8', "Enum8('trade' = 1, 'aggTrade' = 2, 'neg' = -3)"],
  ['e16', "Enum16('up' = 1000, 'down' = -1000)"],
  ['u8', 'UInt8'],
  ['u16', 'UInt16'],
  ['u32', 'UInt32'],
  ['u64', 'UInt64'],
  ['i8', 'Int8'],
  ['i16', 'Int16'],
  ['i32', 'Int32'],
  ['i64', 'Int64'],
  ['b', 'Bool'],
  ['t', "DateTime64(3, 'UTC')"],
  ['d9', 'Decimal(9, 2)'],
  ['d18', 'Decimal(18, 4)'],
  ['d38', 'Decimal(38, 18)'],
  ['d76', 'Decimal(76, 36)'],
  ['nu', 'Nullable(UInt64)'],
  ['nd', 'Nullable(Decimal(38, 18))'],
];
const LAYOUT = new Map(COLUMNS);
const STRUCTURE = COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ');
const budget = new TurnBudget(1e9);

/** Plain decimal text with at most `integer` integer digits and `scale` fraction digits. */
const decimalText = (integer: number, scale: number) =>
  fc
    .tuple(
      fc.boolean(),
      fc.stringMatching(new RegExp(`^[0-9]{1,${integer}}$`)),
      fc.option(fc.stringMatching(new RegExp(`^[0-9]{1,${scale}}$`)), { nil: undefined }),
    )
    .map(([negative, int, fraction]) => `${negative ? '-' : ''}${int}${fraction === undefined ? '' : `.${fraction}`}`);
const edgeDecimals = (integer: number, scale: number) =>
  fc.constantFrom(
    '0',
    '-0',
    '0.0',
    `${'9'.repeat(integer)}.${'9'.repeat(scale)}`,
    `-${'9'.repeat(integer)}.${'9'.repeat(scale)}`,
    `0.${'0'.repeat(scale - 1)}1`,
    `-0.${'0'.repeat(scale - 1)}1`,
    `00${'1'.repeat(integer)}`,
    '1',
    '-1',
  );
const decimal = (integer: number, scale: number) => fc.oneof(decimalText(integer, scale), edgeDecimals(integer, scale));

const row = fc.record({
  s: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 300 }), fc.constantFrom('', 'a"b\\c', '\u0000\n\t', 'x'.repeat(128), 'é'.repeat(100), 'y'.repeat(20_000))),
  lc: fc.constantFrom('binance-usdm', 'okx', 'BTCUSDT', 'ÉTH-€'),
  e8: fc.constantFrom('trade', 'aggTrade', 'neg'),
  e16: fc.constantFrom('up', 'down'),
  u8: fc.integer({ min: 0, max: 255 }),
  u16: fc.integer({ min: 0, max: 65_535 }),
  u32: fc.integer({ min: 0, max: 4_294_967_295 }),
  u64: fc.oneof(fc.maxSafeNat(), fc.constantFrom(0, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER)),
  i8: fc.integer({ min: -128, max: 127 }),
  i16: fc.integer({ min: -32_768, max: 32_767 }),
  i32: fc.integer(),
  i64: fc.oneof(fc.maxSafeInteger(), fc.constantFrom(-1, -(2 ** 32), Number.MIN_SAFE_INTEGER)),
  b: fc.boolean(),
  t: fc.oneof(fc.integer({ min: 0, max: 10_413_791_999_999 }), fc.constantFrom(0, 1, 999, 1_000, 1_700_000_000_000, 10_413_791_999_999)),
  d9: decimal(7, 2),
  d18: decimal(14, 4),
  d38: decimal(20, 18),
  d76: decimal(40, 36),
  nu: fc.option(fc.maxSafeNat(), { nil: null }),
  nd: fc.option(decimal(20, 18), { nil: null }),
});

describe('RowBinary inserts', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'exgate-row-binary-'));
  let driver: ChdbDriver;

  beforeAll(async () => {
    driver = await ChdbDriver.open(root, { rowBinaryFromRows: 1 });
    for (const table of ['binary', 'json']) {
      await driver.exec(`CREATE TABLE ${table} (${STRUCTURE}) ENGINE = MergeTree ORDER BY k`);
    }
  });
  afterAll(async () => {
    await driver.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** The rows as the engine reads them from JSONCompactEachRow: the JSON path's meaning. */
  const insertAsJson = (table: string, rows: readonly Record<string, unknown>[]) =>
    driver.exec(`INSERT INTO ${table} SELECT * FROM format(JSONCompactEachRow, {structure:String}, {data:String})`, {
      structure: STRUCTURE,
      data: rows.map((r) => JSON.stringify(COLUMNS.map(([name]) => r[name]))).join('\n'),
    });
  const stored = (table: string) =>
    driver.query<{ line: string }>(`SELECT formatRow('TabSeparated', *) AS line FROM ${table} ORDER BY k`).then((rows) => rows.map((r) => r.line));

  it('stores every type exactly as the same rows sent as JSON', async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 40 }), async (generated) => {
        const rows = generated.map((r) => ({ k: ++k, ...r }));
        expect(await rowBinary(rows, LAYOUT, budget)).toBeDefined();
        await driver.insert('binary', rows);
        await insertAsJson('json', rows);
        expect(await stored('binary')).toEqual(await stored('json'));
      }),
      { numRuns: 60 },
    );
    expect(k).toBeGreaterThan(60);
  });

  it('writes decimals as scaled two’s-complement integers of the precision’s width', async () => {
    const layout = new Map([
      ['a', 'Decimal(9, 2)'],
      ['b', 'Decimal(38, 18)'],
      ['c', 'Decimal(76, 36)'],
    ]);
    const payload = await rowBinary([{ a: '-1.5', b: '1', c: '-0.000000000000000000000000000000000001' }], layout, budget);
    const body = payload!.body;
    expect(body.readInt32LE(0)).toBe(-150);
    expect(body.readBigInt64LE(4) + (body.readBigInt64LE(12) << 64n)).toBe(10n ** 18n);
    expect(body.subarray(20).equals(Buffer.alloc(32, 0xff))).toBe(true);
    expect(payload!.structure).toBe('`a` Decimal(9, 2), `b` Decimal(38, 18), `c` Decimal(76, 36)');
  });

  it.each([
    ['a number for a decimal', { d: 1.5 }],
    ['more fraction digits than the scale', { d: '1.0000000000000000001' }],
    ['more integer digits than precision − scale', { d: '100000000000000000000' }],
    ['an exponent', { d: '1e5' }],
    ['no integer digits', { d: '.5' }],
    ['no fraction digits after the point', { d: '5.' }],
    ['a plus sign', { d: '+1' }],
    ['an unknown enum name', { e: 'other' }],
    ['an unsafe integer', { u: 2 ** 53 }],
    ['a negative unsigned integer', { u: -1 }],
    ['a fraction for an integer', { u: 1.5 }],
    ['a time before 1970', { t: -1 }],
    ['text with a lone surrogate', { s: 'a\ud800b' }],
    ['a number for text', { s: 5 }],
    ['null for a column that is not Nullable', { s: null }],
    ['a column the table does not have', { x: 1 }],
    ['a type not written here', { arr: ['a'] }],
  ])('leaves rows to the JSON path: %s', async (_, values) => {
    const layout = new Map([
      ['d', 'Decimal(38, 18)'],
      ['e', "Enum8('trade' = 1)"],
      ['u', 'UInt64'],
      ['t', "DateTime64(3, 'UTC')"],
      ['s', 'String'],
      ['arr', 'Array(String)'],
    ]);
    expect(await rowBinary([values], layout, budget)).toBeUndefined();
  });

  it('leaves rows whose columns differ from the first row’s to the JSON path', async () => {
    const layout = new Map([
      ['a', 'UInt8'],
      ['b', 'UInt8'],
    ]);
    expect(await rowBinary([{ a: 1, b: 2 }, { b: 2, a: 1 }], layout, budget)).toBeUndefined();
    expect(await rowBinary([{ a: 1, b: 2 }, { a: 1 }], layout, budget)).toBeUndefined();
    expect(await rowBinary([{ a: 1, b: 2 }, { a: 1, b: 2 }], layout, budget)).toBeDefined();
  });

  it('answers for rows it leaves to JSON as the JSON path does: stored alike, or refused alike', async () => {
    const cases: Record<string, unknown>[] = [
      { d38: '1.0000000000000000001' }, // more digits than the scale: the engine's own rounding
      { d38: 1.25 }, // a JSON number
      { s: 'a\ud800b' }, // a lone surrogate
      { u8: 256 }, // out of range
      { e8: 'other' }, // not a member
    ];
    let k = 1_000_000;
    for (const values of cases) {
      const template = { k: 0, s: 'x', lc: 'y', e8: 'trade', e16: 'up', u8: 1, u16: 1, u32: 1, u64: 1, i8: 1, i16: 1, i32: 1, i64: 1 };
      const rows = [{ ...template, b: true, t: 1, d9: '1', d18: '1', d38: '1', d76: '1', nu: null, nd: null, ...values, k: ++k }];
      expect(await rowBinary(rows, LAYOUT, budget)).toBeUndefined();
      const viaDriver = await driver.insert('binary', rows).then(() => 'stored', (e: unknown) => (e as { details?: { clickhouseCode?: number } }).details?.clickhouseCode);
      const viaJson = await insertAsJson('json', rows).then(() => 'stored', (e: unknown) => (e as { details?: { clickhouseCode?: number } }).details?.clickhouseCode);
      expect(viaDriver).toBe(viaJson);
    }
    expect(await stored('binary')).toEqual(await stored('json'));
  });

  it('fails the insert with a store error, storing nothing, when its file cannot be written; JSON inserts (odd values, fewer rows than the bound) are not affected', async () => {
    await driver.exec('CREATE TABLE small (n UInt32, d Decimal(38, 18)) ENGINE = MergeTree ORDER BY n');
    const insertsDir = path.join(root, 'exgate-inserts');
    rmSync(insertsDir, { recursive: true });
    writeFileSync(insertsDir, 'not a folder');
    try {
      const error = await driver.insert('small', [{ n: 1, d: '1.5' }]).then(() => null, (e: unknown) => e);
      expect(isExgateError(error, 'STORE_QUERY_FAILED')).toBe(true);
      await driver.insert('small', [{ n: 2, d: 2.5 }]); // a number for a decimal: JSON, no file
      // A driver with the default bound: a small insert goes as JSON, 2,000 rows as RowBinary.
      const defaults = await ChdbDriver.open(root);
      await defaults.insert('small', [{ n: 4, d: '4.5' }]);
      const many = Array.from({ length: 2_000 }, (_, i) => ({ n: 10 + i, d: '1' }));
      expect(isExgateError(await defaults.insert('small', many).then(() => null, (e: unknown) => e), 'STORE_QUERY_FAILED')).toBe(true);
      // The same through a row source (RowBinary from the values): a store error too.
      type Small = { n: number; d: string };
      const source = {
        columns: ['n', 'd'],
        values(r: Small, into: unknown[]) {
          into[0] = r.n;
          into[1] = r.d;
        },
        row: (r: Small) => ({ ...r }),
      };
      expect(isExgateError(await defaults.insertItems('small', many, source).then(() => null, (e: unknown) => e), 'STORE_QUERY_FAILED')).toBe(true);
      await defaults.close();
    } finally {
      rmSync(insertsDir);
      mkdirSync(insertsDir);
    }
    await driver.insert('small', [{ n: 3, d: '3.5' }]);
    expect(await driver.query('SELECT n, toString(d) AS d FROM small ORDER BY n')).toEqual([
      { n: 2, d: '2.5' },
      { n: 3, d: '3.5' },
      { n: 4, d: '4.5' },
    ]);
  });
});

/** Mostly storable values, now and then one the store refuses (its row function throws). */
const time = fc.oneof({ weight: 300, arbitrary: fc.integer({ min: 0, max: 10_413_791_999_999 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, 10_413_792_000_000, 1.5) });
const id = fc.oneof({ weight: 300, arbitrary: fc.maxSafeNat() }, { weight: 1, arbitrary: fc.constantFrom(-1, 2 ** 53, 0.5) });
const text = (integer: number, scale: number) =>
  fc.oneof({ weight: 300, arbitrary: decimal(integer, scale) }, { weight: 1, arbitrary: fc.constantFrom('1e5', '', '1.', `0.${'0'.repeat(scale)}1`) });
const name = fc.oneof({ weight: 300, arbitrary: fc.constantFrom('binance-usdm', 'okx', 'BTCUSDT', 'ÉTH-€') }, { weight: 1, arbitrary: fc.constant('') });
const trade: fc.Arbitrary<Trade> = fc.record(
  {
    exchange: name, symbol: name, kind: fc.constantFrom('trade', 'aggTrade'),
    id, firstTradeId: id, lastTradeId: id, price: text(20, 18), qty: text(20, 18),
    isBuyerMaker: fc.boolean(), market: fc.boolean(), exchangeTimeMs: time, eventTimeMs: time, receivedAtMs: time,
    sourceId: fc.string({ maxLength: 12 }),
  },
  { requiredKeys: ['exchange', 'symbol', 'kind', 'id', 'firstTradeId', 'lastTradeId', 'price', 'qty', 'isBuyerMaker', 'market', 'exchangeTimeMs', 'eventTimeMs', 'receivedAtMs'] },
) as fc.Arbitrary<Trade>;
const candle: fc.Arbitrary<Candle> = fc.record({
  exchange: name, symbol: name, interval: fc.constantFrom(...INTERVALS), openTimeMs: time, closeTimeMs: time,
  open: text(20, 18), high: text(20, 18), low: text(20, 18), close: text(20, 18), volume: text(20, 18), quoteVolume: text(40, 36),
  takerBuyVolume: text(20, 18), takerBuyQuoteVolume: text(40, 36), tradeCount: id,
  firstTradeId: fc.option(id, { nil: null }), lastTradeId: fc.option(id, { nil: null }),
  gapFree: fc.boolean(), state: fc.constantFrom('forming', 'closed', 'corrected'), version: id,
}) as fc.Arbitrary<Candle>;

describe('RowBinary from a row source (the store\'s trades and candles)', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'exgate-row-source-'));
  let layouts: Map<string, Map<string, string>>;

  beforeAll(async () => {
    const driver = await ChdbDriver.open(root);
    await migrate(driver, 'exgate');
    const columns = await driver.query<{ table: string; name: string; type: string }>("SELECT table, name, type FROM system.columns WHERE database = 'exgate'");
    layouts = new Map();
    for (const c of columns) layouts.set(c.table, (layouts.get(c.table) ?? new Map()).set(c.name, c.type));
    await driver.close();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** The bytes, or the message of what was thrown. */
  const outcome = (run: () => Promise<{ body: Buffer } | undefined>) =>
    run().then((p) => p?.body.toString('hex'), (e: unknown) => `threw ${(e as Error).message}`);

  it('writes the bytes the rows give, and refuses what the rows refuse, with the same error', async () => {
    const checks = [
      { table: 'trades', items: trade, source: TRADE_ROWS, toRow: tradeToRow },
      { table: 'candles', items: candle, source: CANDLE_ROWS, toRow: candleToRow },
    ] as const;
    let refused = 0;
    let written = 0;
    for (const { table, items, source, toRow } of checks) {
      const layout = layouts.get(table)!;
      expect([...layout.keys()].filter((c) => source.columns.includes(c))).toEqual(source.columns);
      await fc.assert(
        fc.asyncProperty(fc.array(items as fc.Arbitrary<unknown>, { minLength: 1, maxLength: 30 }), async (generated) => {
          const direct = await outcome(() => rowBinaryOf(generated, source as typeof TRADE_ROWS, layout, budget));
          const viaRows = await outcome(async () => rowBinary(generated.map((i) => toRow(i as never)), layout, budget));
          expect(direct).toBe(viaRows);
          if (direct?.startsWith('threw')) refused++;
          else if (direct !== undefined) written++;
        }),
        { numRuns: 300, seed: 7 },
      );
    }
    expect(refused).toBeGreaterThan(50);
    expect(written).toBeGreaterThan(200);
  });

  it('names the values in column order: the row is the values under the columns', () => {
    for (const [items, source] of [[trade, TRADE_ROWS], [candle, CANDLE_ROWS]] as const) {
      let named = 0;
      for (const item of fc.sample(items as fc.Arbitrary<unknown>, { numRuns: 300, seed: 5 })) {
        const values: unknown[] = [];
        let row: Record<string, unknown>;
        try {
          row = (source as typeof TRADE_ROWS).row(item as Trade);
        } catch (e) {
          expect(() => (source as typeof TRADE_ROWS).values(item as Trade, values)).toThrow((e as Error).message);
          continue;
        }
        (source as typeof TRADE_ROWS).values(item as Trade, values);
        expect(Object.keys(row)).toEqual(source.columns);
        expect(Object.values(row)).toEqual(values);
        named++;
      }
      expect(named).toBeGreaterThan(200);
    }
  });

  it('leaves to the JSON path what the rows would leave to it: text with a lone surrogate', async () => {
    const valid = fc.sample(trade, { numRuns: 200, seed: 3 }).filter((t) => {
      try {
        tradeToRow(t);
        return true;
      } catch {
        return false;
      }
    });
    const odd = [...valid.slice(0, 5), { ...valid[5]!, sourceId: 'a\ud800b' }];
    expect(await rowBinary(odd.map(tradeToRow), layouts.get('trades')!, budget)).toBeUndefined();
    expect(await rowBinaryOf(odd, TRADE_ROWS, layouts.get('trades')!, budget)).toBeUndefined();
  });
});
