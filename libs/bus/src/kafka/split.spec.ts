import type { Trade, TradeBatch } from '@exgate/domain';
import { tradeBatchCodec } from '../codec';
import { chunks, MAX_TRADES_PER_MESSAGE, sendGroups, splitTradeBatch } from './split';

function batchOf(count: number): TradeBatch {
  const trades: Trade[] = Array.from({ length: count }, (_, i) => ({
    exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade', id: 5_182_005_737 + i, firstTradeId: 5_182_005_737 + i, lastTradeId: 5_182_005_737 + i,
    price: '63943.90', qty: '0.00312345', isBuyerMaker: i % 2 === 0, market: true,
    exchangeTimeMs: 1_721_347_022_956 + i, eventTimeMs: 1_721_347_022_956 + i, receivedAtMs: 1_721_347_023_000 + i,
  }));
  return { exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade', trades, watermarkMs: 1_721_347_999_000, gap: { fromMs: 1, toMs: 2 } };
}

describe('splitTradeBatch', () => {
  it('leaves a batch that fits as it is', () => {
    const batch = batchOf(10);
    expect(splitTradeBatch(batch)).toEqual([batch]);
  });

  it('cuts a large batch (the collector buffers up to 200,000) into messages under the broker limit, in order, gap first and watermark last', () => {
    const batch = batchOf(50_000);
    const parts = splitTradeBatch(batch);
    expect(parts).toHaveLength(50_000 / MAX_TRADES_PER_MESSAGE);
    expect(parts.flatMap((p) => p.trades)).toEqual(batch.trades);
    expect(parts.map((p) => p.gap)).toEqual([batch.gap, ...parts.slice(1).map(() => null)]);
    expect(parts.map((p) => p.watermarkMs)).toEqual([...parts.slice(1).map(() => null), batch.watermarkMs]);
    for (const p of parts) expect(tradeBatchCodec.encode(p).length).toBeLessThan(1_000_000);
    expect(tradeBatchCodec.encode(batch).length).toBeGreaterThan(1_000_000);
  });
});

describe('sendGroups', () => {
  const message = (bytes: number) => ({ key: 'k', value: new Uint8Array(bytes) });

  it('keeps messages in order in runs under the byte limit; a message over it goes alone', () => {
    const messages = [message(400), message(400), message(300), message(2000), message(100)];
    expect(sendGroups(messages, 1000).map((g) => g.map((m) => m.value.byteLength))).toEqual([[400, 400], [300], [2000], [100]]);
    expect(sendGroups([], 1000)).toEqual([]);
  });
});

describe('chunks', () => {
  it('cuts in order into runs of at most max', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 2)).toEqual([]);
  });
});
