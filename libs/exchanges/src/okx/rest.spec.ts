import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isExgateError } from '@exgate/errors';
import { fixtureLines } from '@exgate/testing';
import { silentLogger, systemClock } from '@exgate/runtime';
import { EPOCH_SPAN, epochOf, idOf, splitId } from './listing';
import { OkxRest } from './rest';
import { candleRows, OkxSimulator, okxFramesFromBinance, type OkxSimulatorOptions } from './simulator';

const binance = (file: string) => fixtureLines('binance', 'usdm-trades-2024-07-18', file);
const btc = okxFramesFromBinance(binance('btcusdt-trade-stream.jsonl'));
/** ETH prints as the linear swap: sizes become contracts of 0.1 ETH. */
const ethSwap = okxFramesFromBinance(binance('ethusdt-trade-stream.jsonl').slice(0, 2000), { instId: 'ETH-USDT-SWAP' })
  .map((f) => f.replace(/"sz":"([0-9.]+)"/, (_m, sz: string) => `"sz":"${(Number(sz) * 10).toFixed(3)}"`));

let sim: OkxSimulator;
let rest: OkxRest;
const requests: { path: string; query: Record<string, string>; status: number }[] = [];

async function setup(o: Partial<OkxSimulatorOptions> = {}): Promise<void> {
  sim = await OkxSimulator.start({ frames: [...btc, ...ethSwap], restHistory: 'all', ...o });
  requests.length = 0;
  sim.on('rest', (e: (typeof requests)[number]) => requests.push(e));
  rest = new OkxRest({ clock: systemClock, logger: silentLogger(), baseUrl: sim.restBaseUrl });
}

afterEach(async () => {
  await sim?.close();
});

const FIRST_MINUTE = Date.UTC(2024, 6, 18, 23, 57);

describe('OKX REST against the simulator', () => {
  it('candles: after/before around the window, answered newest first, returned ascending with closeTime', async () => {
    await setup();
    const got = await rest.klines({ symbol: 'BTC-USDT', interval: '1m', startTimeMs: FIRST_MINUTE, limit: 5 });
    expect(requests.map((r) => [r.path, r.query])).toEqual([['/api/v5/market/history-candles', {
      instId: 'BTC-USDT', bar: '1m', after: String(FIRST_MINUTE + 4 * 60_000 + 1), before: String(FIRST_MINUTE - 1), limit: '5',
    }]]);
    const sent = candleRows(sim.timeline('BTC-USDT'), '1m', undefined, Date.now()).slice(0, 5);
    expect(got.map((k) => [String(k.openTimeMs), k.open, k.high, k.low, k.close, k.volume, k.quoteVolume])).toEqual(sent.map((r) => [...r.row.slice(0, 6), r.row[7]]));
    expect(got.map((k) => k.closeTimeMs - k.openTimeMs)).toEqual([59_999, 59_999, 59_999, 59_999, 59_999]);
  });

  it('candles: a day is OKX\'s UTC+8 day (opens 16:00 UTC); a swap\'s volume is base (volCcy), not contracts', async () => {
    await setup();
    const [day] = await rest.klines({ symbol: 'ETH-USDT-SWAP', interval: '1d', endTimeMs: Date.UTC(2024, 6, 19), limit: 1 });
    expect(requests[requests.length - 1]!.query['bar']).toBe('1D');
    expect(day!.openTimeMs).toBe(Date.UTC(2024, 6, 18, 16));
    expect(day!.closeTimeMs).toBe(Date.UTC(2024, 6, 19, 16) - 1);
    const row = candleRows(sim.timeline('ETH-USDT-SWAP'), '1d', '0.1', Date.now())[0]!.row;
    expect(day!.volume).toBe(row[6]);
    expect(Number(day!.volume)).toBeCloseTo(Number(row[5]) / 10, 6);
    expect(day!.quoteVolume).toBe(row[7]);
  });

  it('history-trades: pages by tradeId (type=1, after = the id past the page), ascending, contiguous; in the listing epoch', async () => {
    await setup();
    const timeline = sim.timeline('BTC-USDT');
    const from = timeline[10]!.id;
    const page = await rest.tradesFromId('BTC-USDT', from, 100);
    expect(page.map((t) => t.id)).toEqual(timeline.slice(10, 110).map((p) => p.id));
    expect(requests[requests.length - 1]!.query).toEqual({ instId: 'BTC-USDT', type: '1', after: String(Number(timeline[10]!.tradeId) + 100), limit: '100' });
    expect(splitId(page[0]!.id)).toEqual({ epoch: epochOf(Number(timeline[0]!.ts)), tradeId: Number(timeline[10]!.tradeId) });
    expect(page[0]).toMatchObject({ exchange: 'okx', symbol: 'BTC-USDT', kind: 'trade', sourceId: timeline[10]!.tradeId, price: timeline[10]!.px, qty: timeline[10]!.sz });
  });

  it('history-trades: stays within 20 requests per 2 s (the simulator answers 429 past it)', async () => {
    await setup();
    const first = sim.timeline('BTC-USDT')[0]!.id;
    const started = Date.now();
    for (let n = 0; n < 25; n++) await rest.tradesFromId('BTC-USDT', first + n * 100, 100);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(requests.filter((r) => r.status !== 200)).toEqual([]);
    expect(rest.historyRequestsInWindow).toBeLessThanOrEqual(20);
  });

  it('swap prints come in base units (contracts × ctVal from instruments)', async () => {
    await setup();
    const [t] = await rest.recentTrades('ETH-USDT-SWAP', 1);
    const last = sim.timeline('ETH-USDT-SWAP').at(-1)!;
    expect(t).toMatchObject({ symbol: 'ETH-USDT-SWAP', price: last.px, sourceId: last.tradeId });
    expect(Number(t!.qty)).toBeCloseTo(Number(last.sz) / 10, 9);
    expect(await rest.requireListing('ETH-USDT-SWAP')).toMatchObject({ ctVal: '0.1' });
  });

  it('tradeAtOrAfter: the first fill at or after a time (history-trades by time, then by id); before the history OKX keeps, a refusal', async () => {
    await setup();
    const timeline = sim.timeline('BTC-USDT');
    const at = timeline.findIndex((p) => p.eventTimeMs >= FIRST_MINUTE + 60_000);
    const t = await rest.tradeAtOrAfter('BTC-USDT', FIRST_MINUTE + 60_000);
    expect(t?.id).toBe(timeline[at]!.id);
    await expect(rest.tradeAtOrAfter('BTC-USDT', Date.UTC(2024, 0, 1))).rejects.toMatchObject({ code: 'EXCHANGE_REJECTED' });
    expect(await rest.tradeAtOrAfter('BTC-USDT', Date.UTC(2030, 0, 1))).toBeNull();
  });

  it('a relisting: an id of the earlier epoch is served from the new listing\'s first fill', async () => {
    const day = 86_400_000;
    const relisted = btc.slice(0, 50).map((f) => f.replace(/"tradeId":"(\d+)","px":"([0-9.]+)","sz":"([0-9.]+)","side":"(\w+)","ts":"(\d+)"/, (_m, id: string, px: string, sz: string, side: string, ts: string) =>
      `"tradeId":"${Number(id) - Number(JSON.parse(btc[0]!).data[0].tradeId) + 1}","px":"${px}","sz":"${sz}","side":"${side}","ts":"${Number(ts) + 30 * day}"`));
    await setup({ frames: [...btc.slice(0, 100), ...relisted] });
    const timeline = sim.timeline('BTC-USDT');
    const [old, fresh] = [timeline[0]!, timeline[100]!];
    expect(fresh.epoch).toBeGreaterThan(old.epoch);
    expect(fresh.id).toBe(idOf(fresh.epoch, 1));
    const page = await rest.tradesFromId('BTC-USDT', old.id + 100, 10);
    expect(page.map((t) => t.id)).toEqual(timeline.slice(100, 110).map((p) => p.id));
    expect(page[0]!.id - old.id).toBeGreaterThan(EPOCH_SPAN / 2);
  });

  it('refuses bad symbols before any I/O, and maps OKX codes to typed errors', async () => {
    await setup();
    await expect(rest.klines({ symbol: 'BTC-USD-SWAP', interval: '1m' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(rest.recentTrades('btc-usdt', 1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(requests).toEqual([]);
    await expect(rest.klines({ symbol: 'BTC-USDT', interval: '8h' })).rejects.toMatchObject({ code: 'UNSUPPORTED_INTERVAL' });
    await expect(rest.recentTrades('XRP-USDT', 1)).rejects.toMatchObject({ code: 'UNKNOWN_SYMBOL' });
    expect(await rest.hasSymbol('XRP-USDT')).toBe(false);
    expect(await rest.hasSymbol('BTC-USDT')).toBe(true);
    sim.failCode('51001', 'Instrument ID does not exist');
    await expect(rest.klines({ symbol: 'BTC-USDT', interval: '1m', limit: 1 })).rejects.toMatchObject({ code: 'UNKNOWN_SYMBOL' });
    sim.failRest(429, { retryAfterS: 1 });
    const limited = await rest.klines({ symbol: 'BTC-USDT', interval: '1m', limit: 1 }).catch((e: unknown) => e);
    expect(isExgateError(limited) && limited.code === 'RATE_LIMITED' && limited.retryAfterMs === 1000).toBe(true);
    await expect(rest.klines({ symbol: 'BTC-USDT', interval: '1m', limit: 1 })).rejects.toMatchObject({ code: 'RATE_LIMITED', details: { heldBack: true } });
  });
});

describe("OKX REST on OKX's real candles answer (nautilus_trader's 2025-05 capture)", () => {
  let server: Server;
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads the 9 columns: spot volume is vol (base), quote volume volCcyQuote, rows newest first made ascending', async () => {
    const [body] = fixtureLines('okx', 'nautilus-http_get_candlesticks_full.json');
    server = createServer((_req, res) => res.end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const okx = new OkxRest({ clock: { nowMs: () => 1747094099000 }, logger: silentLogger(), baseUrl: `http://127.0.0.1:${port}` });
    const got = await okx.klines({ symbol: 'BTC-USDT', interval: '1m', limit: 2 });
    expect(got).toEqual([
      { openTimeMs: 1747093980000, closeTimeMs: 1747094039999, open: '102806', high: '102820.5', low: '102783.1', close: '102806.1', volume: '7164.04', quoteVolume: '7364701.57952', takerBuyVolume: '0', takerBuyQuoteVolume: '0', tradeCount: 0 },
      { openTimeMs: 1747094040000, closeTimeMs: 1747094099999, open: '102806.1', high: '102820.4', low: '102806.1', close: '102820.4', volume: '1040.37', quoteVolume: '1069603.34883', takerBuyVolume: '0', takerBuyQuoteVolume: '0', tradeCount: 0 },
    ]);
  });
});
