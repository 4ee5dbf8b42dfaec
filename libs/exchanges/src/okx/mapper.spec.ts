import Decimal from 'decimal.js';
import fc from 'fast-check';
import type { Trade } from '@exgate/domain';
import { fixtureLines } from '@exgate/testing';
import { COUNTS_IN_CANDLES, SPELLING } from './constants';
import { EPOCH_SPAN, idOf, type Listings } from './listing';
import { countsInCandles, parseFrame } from './mapper';

const RECEIVED = 1_800_000_000_000;
/** cryptofeed's capture: `<local ts>: <frame>` after a URL line; client messages are `<url> <- ts: …`. */
const cryptofeed = fixtureLines('okx', 'cryptofeed-OKX.ws.1.0-2022-05-13-trades-only.txt')
  .filter((l) => /^\d+\.\d+: /.test(l)).map((l) => l.slice(l.indexOf(': ') + 2));
const gocrypto = fixtureLines('okx', 'gocryptotrader-wsAllTrades-2025-02-24.jsonl');
const tardis = fixtureLines('okx', 'tardis-node-mappers-test-trade-messages.jsonl');
const SWAPS: Listings = (instId) => (instId === 'BTC-USDT-SWAP' ? { epoch: 7, ctVal: '0.01' } : undefined);

function trades(raw: string, listings?: Listings): Trade[] {
  const r = parseFrame(raw, RECEIVED, listings);
  if (r.type !== 'trades') throw new Error(`expected trades, got ${JSON.stringify(r)}`);
  return [...r.trades];
}

describe('OKX mapper on real frames', () => {
  it('maps a trades-all push (BSV-USDT, 2023-10-20): its own tradeId, side the taker, exchange and receive time', () => {
    expect(trades(tardis[1]!)).toEqual([{
      exchange: 'okx', symbol: 'BSV-USDT', kind: 'trade', id: 84834539, sourceId: '84834539', firstTradeId: 84834539, lastTradeId: 84834539,
      price: '42.52', qty: '3.75', isBuyerMaker: false, market: true, exchangeTimeMs: 1697760012017, eventTimeMs: 1697760012017, receivedAtMs: RECEIVED,
    }]);
  });

  it('reads `trades` pushes as aggregates (count fills: firstTradeId = tradeId − count + 1)', () => {
    expect(trades(gocrypto[0]!)).toEqual([expect.objectContaining({
      symbol: 'BTC-USDT', kind: 'aggTrade', id: 674510826, firstTradeId: 674510826, lastTradeId: 674510826, price: '95634.9', qty: '0.00011186', isBuyerMaker: false,
    })]);
    expect(trades(gocrypto[1]!)[0]).toMatchObject({ id: 674510827, isBuyerMaker: true });
    const three = gocrypto[0]!.replace('"count":"1"', '"count":"3"');
    expect(trades(three)[0]).toMatchObject({ id: 674510826, firstTradeId: 674510824, lastTradeId: 674510826 });
  });

  it('reads the 2022 capture: 69 BTC-USDT fills, ids contiguous 338476307–338476375; futures and inverse swaps refused', () => {
    const results = cryptofeed.map((f) => parseFrame(f, RECEIVED));
    const btc = results.flatMap((r) => (r.type === 'trades' ? r.trades : []));
    expect(btc.map((t) => t.id)).toEqual(Array.from({ length: 69 }, (_, i) => 338476307 + i));
    expect(new Set(btc.map((t) => t.symbol))).toEqual(new Set(['BTC-USDT']));
    const refused = results.filter((r) => r.type === 'rejected');
    expect(refused).toHaveLength(5);
    for (const r of refused) expect(r).toMatchObject({ rejection: { kind: 'unknown_symbol' } });
    expect(results.filter((r) => r.type === 'control').map((r) => (r as { detail: string }).detail)).toContain('subscribe trades:BTC-USDT');
  });

  it('sizes a linear swap in base units (contracts × ctVal) in its listing epoch; without the listing it refuses it', () => {
    expect(trades(tardis[2]!, SWAPS)).toEqual([expect.objectContaining({
      symbol: 'BTC-USDT-SWAP', kind: 'aggTrade', id: 7 * EPOCH_SPAN + 148266905, sourceId: '148266905', price: '48938.5', qty: '0.05',
    })]);
    expect(parseFrame(tardis[2]!, RECEIVED)).toMatchObject({ type: 'rejected', rejection: { kind: 'unknown_symbol' } });
    expect(parseFrame(tardis[3]!, RECEIVED)).toMatchObject({ type: 'rejected', rejection: { kind: 'unknown_symbol' } });
  });

  it('reads pong, acks, errors and notices', () => {
    expect(parseFrame('pong', RECEIVED)).toEqual({ type: 'control', detail: 'pong' });
    expect(parseFrame('{"event":"subscribe","arg":{"channel":"trades-all","instId":"BTC-USDT"},"connId":"a4d3ae55"}', RECEIVED))
      .toEqual({ type: 'control', detail: 'subscribe trades-all:BTC-USDT' });
    expect(parseFrame('{"event":"error","code":"60012","msg":"Invalid request: {\\"op\\": \\"subscribe\\"}","connId":"a4d3ae55"}', RECEIVED))
      .toEqual({ type: 'control', detail: 'error code=60012: Invalid request: {"op": "subscribe"}' });
    expect(parseFrame('{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade.","connId":"a4d3ae55"}', RECEIVED))
      .toMatchObject({ type: 'reconnect' });
  });
});

describe("OKX's spelling of markets (the dialects map names with it)", () => {
  it('writes BTC-USDT for spot and BTC-USDT-SWAP for the perpetual, and reads them back', () => {
    expect(SPELLING.write({ base: 'BTC', quote: 'USDT', contract: 'spot' })).toBe('BTC-USDT');
    expect(SPELLING.write({ base: 'BTC', quote: 'USDC', contract: 'perp' })).toBe('BTC-USDC-SWAP');
    expect(SPELLING.read('eth-usdt-swap')).toEqual({ base: 'ETH', quote: 'USDT', contract: 'perp' });
    expect(SPELLING.read('ETH-USDT')).toEqual({ base: 'ETH', quote: 'USDT', contract: 'spot' });
    expect(SPELLING.read('ETHUSDT')).toBeUndefined();
  });
});

describe('which OKX prints count in candles (COUNTS_IN_CANDLES)', () => {
  it('counts ordinary fills and Enhanced Liquidity Program fills (source 1)', () => {
    expect(COUNTS_IN_CANDLES).toEqual({ elpOrder: true });
    const elp = tardis[1]!.replace('"ts":', '"source":"1","ts":');
    expect(trades(elp)[0]!.market).toBe(true);
    expect([countsInCandles(undefined), countsInCandles('0'), countsInCandles('1')]).toEqual([true, true, true]);
  });
});

// ---- malformed frames, per kind, over generated valid pushes ----

const decimal = fc.tuple(fc.integer({ min: 1, max: 99_999_999 }), fc.integer({ min: 0, max: 6 }))
  .map(([n, scale]) => {
    const s = String(n).padStart(scale + 1, '0');
    return scale === 0 ? s : `${s.slice(0, -scale)}.${s.slice(-scale)}`;
  });
const validPush = fc.record({
  instId: fc.constantFrom('BTC-USDT', 'ETH-USDC', '1INCH-USDT', 'BTC-USDT-SWAP'),
  tradeId: fc.integer({ min: 1, max: 2 ** 39 }),
  px: decimal,
  sz: decimal,
  side: fc.constantFrom('buy', 'sell'),
  ts: fc.integer({ min: Date.UTC(2020, 0, 1), max: RECEIVED }),
  source: fc.constantFrom('0', '1'),
}).map((d) => ({ arg: { channel: 'trades-all', instId: d.instId }, data: [{ ...d, tradeId: String(d.tradeId), ts: String(d.ts) }] }));
type Push = ReturnType<typeof validPush.generate>['value'];
const LISTED: Listings = (instId) => ({ epoch: 3, ...(instId.endsWith('-SWAP') ? { ctVal: '0.01' } : {}) });
const withItem = (p: Push, change: Record<string, unknown>) => ({ ...p, data: [{ ...p.data[0]!, ...change }] });

describe('OKX mapper on generated pushes', () => {
  it('keeps every value exactly as sent, in its listing epoch', () => {
    fc.assert(fc.property(validPush, (push) => {
      const d = push.data[0]!;
      const [t] = trades(JSON.stringify(push), LISTED);
      const qty = d.instId.endsWith('-SWAP') ? new Decimal(d.sz).mul('0.01').toFixed() : d.sz;
      expect([t!.symbol, t!.id, t!.sourceId, t!.price, t!.qty, t!.isBuyerMaker, t!.market, t!.exchangeTimeMs])
        .toEqual([d.instId, idOf(3, Number(d.tradeId)), d.tradeId, d.px, qty, d.side === 'sell', true, Number(d.ts)]);
    }));
  });

  const mutations: [string, (p: Push) => unknown, string][] = [
    ['truncated JSON', (p) => JSON.stringify(p).slice(0, -2), 'invalid_json'],
    ['a fill without a required field', (p) => ({ ...p, data: [Object.fromEntries(Object.entries(p.data[0]!).filter(([k]) => k !== 'px'))] }), 'schema'],
    ['a side that is neither buy nor sell', (p) => withItem(p, { side: 'Buy' }), 'schema'],
    ['a numeric tradeId', (p) => withItem(p, { tradeId: 5 }), 'schema'],
    ['a count above the tradeId', (p) => withItem(p, { tradeId: '2', count: '3' }), 'schema'],
    ['data that is not an array', (p) => ({ ...p, data: p.data[0] }), 'schema'],
    ['no fills', (p) => ({ ...p, data: [] }), 'schema'],
    ['a price in exponent notation', (p) => withItem(p, { px: '4.2e4' }), 'bad_decimal'],
    ['a price of zero', (p) => withItem(p, { px: '0.0' }), 'bad_decimal'],
    ['a size of zero', (p) => withItem(p, { sz: '0' }), 'non_positive_quantity'],
    ['a negative size', (p) => withItem(p, { sz: `-${p.data[0]!.sz}` }), 'non_positive_quantity'],
    ['a time in seconds', (p) => withItem(p, { ts: String(Math.floor(Number(p.data[0]!.ts) / 1000)) }), 'absurd_timestamp'],
    ['a fill of another instrument than its arg', (p) => withItem(p, { instId: 'XRP-USDT' }), 'unknown_symbol'],
    ['an inverse swap', (p) => ({ arg: { ...p.arg, instId: 'BTC-USD-SWAP' }, data: [{ ...p.data[0]!, instId: 'BTC-USD-SWAP' }] }), 'unknown_symbol'],
    ['another channel', (p) => ({ ...p, arg: { ...p.arg, channel: 'books5' } }), 'unknown_stream'],
  ];

  it.each(mutations)('rejects %s, as its kind', (_what, mutate, kind) => {
    fc.assert(fc.property(validPush, (push) => {
      const mutated = mutate(push);
      const raw = typeof mutated === 'string' ? mutated : JSON.stringify(mutated);
      expect(parseFrame(raw, RECEIVED, LISTED)).toMatchObject({ type: 'rejected', rejection: { kind } });
    }), { numRuns: 60 });
  });

  it('never throws, whatever arrives', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ arg: v, data: v, event: v }))), (raw) => {
      expect(['trades', 'control', 'rejected', 'reconnect']).toContain(parseFrame(raw, RECEIVED, LISTED).type);
    }), { numRuns: 300 });
  });
});
