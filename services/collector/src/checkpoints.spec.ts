import { MemoryKeyValueStore } from '@exgate/bus';
import type { TradeKind } from '@exgate/domain';
import { kvCheckpoints, PacedCheckpoints, storedCheckpoint, upgradeCheckpointKeys, type Checkpoint, type Checkpoints, type StreamRef } from './checkpoints';

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

/** A bucket that counts reads of one key. */
class CountingKv extends MemoryKeyValueStore {
  reads = 0;

  override async get(key: string): Promise<string | undefined> {
    this.reads++;
    return super.get(key);
  }
}

describe('kvCheckpoints reads the bucket once', () => {
  const ETH = { ...BTC, symbol: 'ETHUSDT' };

  it('answers every stream from what it read at start, kept current by its own writes', async () => {
    const kv = new CountingKv();
    await kv.put('binance-usdm.BTCUSDT.aggTrade', '5183005736');
    const checkpoints = kvCheckpoints(kv);
    expect(await checkpoints.open!(kindOf)).toBe(1);
    expect(await checkpoints.get(BTC)).toEqual({ kind: 'aggTrade', lastId: 5183005736, lastTimeMs: null });
    expect(await checkpoints.get(ETH)).toBeUndefined();
    await checkpoints.put(ETH, { kind: 'aggTrade', lastId: 9, lastTimeMs: 2 });
    expect(await checkpoints.get(ETH)).toEqual({ kind: 'aggTrade', lastId: 9, lastTimeMs: 2 });
    expect(kv.reads).toBe(0);
    expect(JSON.parse((await kv.get('binance-usdm:ETHUSDT'))!)).toEqual({ kind: 'aggTrade', lastId: 9, lastTimeMs: 2 });
  });

  it('does not see what another writer put after it read; storedCheckpoint, read on its own, does', async () => {
    const kv = new CountingKv();
    const checkpoints = kvCheckpoints(kv);
    await checkpoints.open!(kindOf);
    await kv.put('binance-usdm:ETHUSDT', JSON.stringify({ kind: 'aggTrade', lastId: 11, lastTimeMs: 12 }));
    expect(await checkpoints.get(ETH)).toBeUndefined();
    expect(await storedCheckpoint(kv, ETH)).toEqual({ kind: 'aggTrade', lastId: 11, lastTimeMs: 12 });
    expect(await storedCheckpoint(kv, { ...ETH, kind: 'trade' })).toBeUndefined();
  });

  it('reads the bucket at the first read when not opened', async () => {
    const kv = new CountingKv();
    await kv.put('binance-usdm:BTCUSDT', JSON.stringify({ kind: 'aggTrade', lastId: 3, lastTimeMs: 4 }));
    const checkpoints = kvCheckpoints(kv);
    expect(await checkpoints.get(ETH)).toBeUndefined();
    expect(await checkpoints.get(BTC)).toEqual({ kind: 'aggTrade', lastId: 3, lastTimeMs: 4 });
    expect(kv.reads).toBe(0);
  });
});

/** Checkpoints that keep every write in order; writes can be held at the door and made to fail. */
function recording() {
  const puts: [string, number][] = [];
  let failing = false;
  let door: Promise<void> = Promise.resolve();
  let open = (): void => undefined;
  let reached = (): void => undefined;
  let arrived = new Promise<void>((r) => (reached = r));
  const checkpoints: Checkpoints = {
    get: async () => undefined,
    async put(stream, checkpoint) {
      reached();
      await door;
      if (failing) throw new Error('KV away');
      puts.push([stream.symbol, checkpoint.lastId]);
    },
  };
  return {
    checkpoints, puts,
    fail: (v: boolean) => (failing = v),
    hold: () => {
      door = new Promise((r) => (open = r));
      arrived = new Promise((r) => (reached = r));
    },
    arrived: () => arrived,
    release: () => open(),
  };
}

const on = (symbol: string): StreamRef => ({ exchange: 'binance-usdm', symbol, kind: 'aggTrade' });
const upTo = (lastId: number): Checkpoint => ({ kind: 'aggTrade', lastId, lastTimeMs: null });

describe('PacedCheckpoints', () => {
  it("writes each stream's newest checkpoint at most once an interval, and every one when asked", async () => {
    const r = recording();
    const paced = new PacedCheckpoints(r.checkpoints, 1_000);
    const btc = on('BTCUSDT');
    const eth = on('ETHUSDT');
    paced.note(btc, upTo(1));
    await paced.write(0);
    expect(r.puts).toEqual([['BTCUSDT', 1]]);
    paced.note(btc, upTo(2));
    paced.note(eth, upTo(7));
    paced.note(btc, upTo(3));
    await paced.write(999);
    expect(r.puts).toEqual([['BTCUSDT', 1]]);
    await paced.write(1_000);
    expect(r.puts).toEqual([['BTCUSDT', 1], ['BTCUSDT', 3], ['ETHUSDT', 7]]);
    paced.note(eth, upTo(8));
    await paced.write(1_001, true);
    await paced.write(9_000, true);
    expect(r.puts).toEqual([['BTCUSDT', 1], ['BTCUSDT', 3], ['ETHUSDT', 7], ['ETHUSDT', 8]]);
  });

  it('keeps what a failed write held for the next one, except where a newer checkpoint came meanwhile', async () => {
    const r = recording();
    const paced = new PacedCheckpoints(r.checkpoints, 0);
    const btc = on('BTCUSDT');
    const eth = on('ETHUSDT');
    paced.note(btc, upTo(1));
    paced.note(eth, upTo(5));
    r.fail(true);
    r.hold();
    const failed = paced.write(0);
    await r.arrived();
    paced.note(btc, upTo(2));
    r.release();
    await expect(failed).rejects.toThrow('KV away');
    r.fail(false);
    await paced.write(1);
    expect(r.puts).toEqual([['BTCUSDT', 2], ['ETHUSDT', 5]]);
  });
});
