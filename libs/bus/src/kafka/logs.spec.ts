import type { Trade, TradeBatch } from '@exgate/domain';
import { silentLogger } from '@exgate/runtime';
import { kafkaBrokers, uniqueName } from '@exgate/testing';
import { splitTradeBatch } from '../codec';
import { TRADES_PER_MESSAGE, type TradeDelivery } from '../ports';
import { createKafka } from './client';
import { KafkaTradeLogReader, KafkaTradeLogWriter } from './logs';
import { ensureTopics } from './topics';

const PRINTS = 20_000;
const trades: Trade[] = Array.from({ length: PRINTS }, (_, i) => ({
  exchange: 'bybit', symbol: 'BTCUSDT', kind: 'trade', id: 1_000_000 + i, firstTradeId: 1_000_000 + i, lastTradeId: 1_000_000 + i,
  price: `63943.${String(i % 100).padStart(2, '0')}`, qty: '0.003', isBuyerMaker: i % 2 === 0, market: true,
  exchangeTimeMs: 1_721_347_022_956 + i, eventTimeMs: 1_721_347_022_956 + i, receivedAtMs: 1_721_347_022_960 + i,
  sourceId: `a1c4e0f2-5b8d-5e0a-9c3f-${String(i).padStart(12, '0')}`,
}));
/** A backlog one stream collected in one flush: some 2 MB of prints, past Kafka's 1 MB message limit. */
const backlog: TradeBatch = {
  exchange: 'bybit', symbol: 'BTCUSDT', kind: 'trade', trades,
  gap: { fromMs: 1_721_347_000_000, toMs: 1_721_347_022_955 }, watermarkMs: 1_721_347_042_000,
};

describe('trades topic messages', () => {
  it('splits a batch in order: the gap with the first part, the watermark with the last', () => {
    const parts = splitTradeBatch(backlog, TRADES_PER_MESSAGE);
    expect(parts.map((p) => p.trades.length)).toEqual(Array.from({ length: PRINTS / TRADES_PER_MESSAGE }, () => TRADES_PER_MESSAGE));
    expect(parts.flatMap((p) => p.trades)).toEqual(trades);
    expect(parts.map((p) => [p.gap, p.watermarkMs])).toEqual(parts.map((_, i) => [
      i === 0 ? backlog.gap : null, i === parts.length - 1 ? backlog.watermarkMs : null,
    ]));
    expect(splitTradeBatch({ ...backlog, trades: trades.slice(0, 5) }, TRADES_PER_MESSAGE)).toEqual([{ ...backlog, trades: trades.slice(0, 5) }]);
  });

  it('carries a batch larger than a Kafka message through the topic whole', async () => {
    const kafka = createKafka({ brokers: kafkaBrokers(), clientId: 'trades-split', logger: silentLogger() });
    const topic = uniqueName('trades');
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, { partitions: 1, topics: [topic] });
    const writer = new KafkaTradeLogWriter({ kafka, topic });
    const reader = new KafkaTradeLogReader({ kafka, topic, groupId: uniqueName('g'), logger: silentLogger(), sessionTimeoutMs: 6000, maxWaitTimeMs: 100 });
    try {
      await writer.publish([backlog]);
      const got: TradeDelivery[] = [];
      await new Promise<void>((resolve, reject) => {
        reader.run(async (group) => {
          got.push(...group);
          if (got.reduce((n, x) => n + x.batch.trades.length, 0) >= PRINTS) resolve();
        }).catch(reject);
      });
      expect(got.map((d) => d.batch)).toEqual(splitTradeBatch(backlog, TRADES_PER_MESSAGE));
    } finally {
      await reader.close();
      await writer.close();
      await admin.deleteTopics({ topics: [topic] });
      await admin.disconnect();
    }
  });
});
