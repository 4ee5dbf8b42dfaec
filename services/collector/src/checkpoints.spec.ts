import { MemoryKeyValueStore } from '@exgate/bus';
import type { TradeKind } from '@exgate/domain';
import { kvCheckpoints, upgradeCheckpointKeys } from './checkpoints';

const BTC = { exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'aggTrade' } as const;
/** The kind each exchange is collected as, as the collector passes it. */
const KINDS: Readonly<Record<string, TradeKind>> = { 'binance-usdm': 'aggTrade', okx: 'trade', bybit: 'trade' };
const kindOf = (exchange: string): TradeKind | undefined => KINDS[exchange];

async function kvWith(entries: Record<string, string>): Promise<MemoryKeyValueStore> {
  const kv = new MemoryKeyValueStore();
  for (const [key, value] of Object.entries(entries)) await kv.put(key, value);
  return kv;
}

describe('kvCheckpoints', () => {
  it('reads what it wrote, of the stream kind only', async () => {
    const checkpoints = kvCheckpoints(new MemoryKeyValueStore());
    expect(await checkpoints.get(BTC)).toBeUndefined();
    await checkpoints.put(BTC, { kind: 'aggTrade', lastId: 42, lastTimeMs: 1_700_000_000_000 });
    expect(await checkpoints.get(BTC)).toEqual({ kind: 'aggTrade', lastId: 42, lastTimeMs: 1_700_000_000_000 });
    expect(await checkpoints.get({ ...BTC, kind: 'trade' })).toBeUndefined();
  });

  it('takes an unreadable checkpoint for none', async () => {
    const kv = await kvWith({ 'binance-usdm:BTCUSDT': '{"kind":"aggTrade","lastId":1.5}', 'okx:BTC-USDT-SWAP': 'not json' });
    const checkpoints = kvCheckpoints(kv);
    expect(await checkpoints.get(BTC)).toBeUndefined();
    expect(await checkpoints.get({ exchange: 'okx', symbol: 'BTC-USDT-SWAP', kind: 'trade' })).toBeUndefined();
  });
});

describe('upgradeCheckpointKeys', () => {
  it("rewrites the old form under the stream's name, with its kind, and deletes it", async () => {
    const kv = await kvWith({ 'binance-usdm.BTCUSDT.aggTrade': '5183005736', 'okx.BTC-USDT.SWAP.trade': '77' });
    expect(await upgradeCheckpointKeys(kv, kindOf)).toBe(2);
    expect(Object.fromEntries(await kv.entries())).toEqual({
      'binance-usdm:BTCUSDT': JSON.stringify({ kind: 'aggTrade', lastId: 5183005736, lastTimeMs: null }),
      'okx:BTC-USDT.SWAP': JSON.stringify({ kind: 'trade', lastId: 77, lastTimeMs: null }),
    });
    expect(await kvCheckpoints(kv).get(BTC)).toEqual({ kind: 'aggTrade', lastId: 5183005736, lastTimeMs: null });
    expect(await upgradeCheckpointKeys(kv, kindOf)).toBe(0);
  });

  it('keeps the current form where a stream has both, and drops an old one that holds no id', async () => {
    const current = JSON.stringify({ kind: 'aggTrade', lastId: 9, lastTimeMs: 1 });
    const kv = await kvWith({ 'binance-usdm:BTCUSDT': current, 'binance-usdm.BTCUSDT.aggTrade': '3', 'bybit.ETHUSDT.trade': '12.5' });
    expect(await upgradeCheckpointKeys(kv, kindOf)).toBe(0);
    expect(Object.fromEntries(await kv.entries())).toEqual({ 'binance-usdm:BTCUSDT': current });
  });

  it('moves only the kind each exchange is collected as, and leaves the other kind and unknown exchanges as they were', async () => {
    const kv = await kvWith({ 'binance-usdm.BTCUSDT.trade': '8', 'binance-usdm.BTCUSDT.aggTrade': '5', 'kraken.XBTUSD.trade': '3' });
    expect(await upgradeCheckpointKeys(kv, kindOf)).toBe(1);
    expect(Object.fromEntries(await kv.entries())).toEqual({
      'binance-usdm.BTCUSDT.trade': '8',
      'kraken.XBTUSD.trade': '3',
      'binance-usdm:BTCUSDT': JSON.stringify({ kind: 'aggTrade', lastId: 5, lastTimeMs: null }),
    });
  });

  it('leaves every other key alone', async () => {
    const entries = { 'binance-usdm:BTCUSDT': JSON.stringify({ kind: 'trade', lastId: 1, lastTimeMs: null }), 'binance-usdm.BTCUSDT.bookTicker': '4', notes: 'x' };
    const kv = await kvWith(entries);
    expect(await upgradeCheckpointKeys(kv, kindOf)).toBe(0);
    expect(Object.fromEntries(await kv.entries())).toEqual(entries);
  });
});
