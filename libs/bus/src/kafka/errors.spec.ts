import type { TradeBatch } from '@exgate/domain';
import { ExgateError } from '@exgate/errors';
import { silentLogger } from '@exgate/runtime';
import { kafkaBrokers, uniqueName } from '@exgate/testing';
import { createKafka } from './client';
import { KafkaTradeLogReader, KafkaTradeLogWriter } from './logs';

const batch: TradeBatch = {
  exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade', watermarkMs: 1721347022956, gap: null,
  trades: [{
    exchange: 'binance-usdm', symbol: 'BTCUSDT', kind: 'trade', id: 5182005737, firstTradeId: 5182005737,
    lastTradeId: 5182005737, price: '63943.90', qty: '0.003', isBuyerMaker: true, market: true,
    exchangeTimeMs: 1721347022956, eventTimeMs: 1721347022956, receivedAtMs: 1721347022990,
  }],
};

// Few, quick retries: these tests are about what comes out once kafkajs gives up.
const quickRetry = { retries: 1, initialRetryTime: 50, maxRetryTime: 100 };

describe('Kafka failures as typed errors', () => {
  it('fails a publish with a retriable BUS_UNAVAILABLE when no broker answers', async () => {
    const kafka = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'errors-test', logger: silentLogger(), retry: quickRetry, connectionTimeoutMs: 500 });
    const writer = new KafkaTradeLogWriter({ kafka });
    const error = await writer.publish([batch]).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ExgateError);
    expect(error).toMatchObject({ code: 'BUS_UNAVAILABLE', retriable: true });
    await writer.close();
  });

  it('fails a publish to a topic that does not exist rather than creating it', async () => {
    const kafka = createKafka({ brokers: kafkaBrokers(), clientId: 'errors-test', logger: silentLogger(), retry: quickRetry });
    const writer = new KafkaTradeLogWriter({ kafka, topic: uniqueName('missing') });
    await expect(writer.publish([batch])).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE' });
    await writer.close();
  });

  it('settles a reader with BUS_UNAVAILABLE when no broker answers', async () => {
    const kafka = createKafka({ brokers: ['127.0.0.1:1'], clientId: 'errors-test', logger: silentLogger(), retry: quickRetry, connectionTimeoutMs: 500 });
    const reader = new KafkaTradeLogReader({ kafka, groupId: uniqueName('g'), logger: silentLogger(), retry: quickRetry });
    await expect(reader.run(async () => {})).rejects.toMatchObject({ code: 'BUS_UNAVAILABLE', retriable: true });
  });
});
