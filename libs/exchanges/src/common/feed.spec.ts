import { fixtureLines } from '@exgate/testing';
import { silentLogger, systemClock } from '@exgate/runtime';
import { createParseFrame } from '../binance/mapper';
import { binanceProtocol } from '../binance/protocol';
import { SYMBOL_PATTERN, USDM } from '../binance-usdm/constants';
import { BinanceUsdmSimulator } from '../binance-usdm/simulator';
import { FeedProbe } from '../testing/feed-probe';
import type { FrameResult } from '../types';
import { ExchangeFeed, SEQUENCE_PER_MS } from './feed';

const parseFrame = createParseFrame(USDM);
const binanceUsdmProtocol = binanceProtocol(USDM);
const btcTrades = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl');

/** Binance's frames, described as an exchange whose ids carry no order (as Bybit's UUIDs). */
function unorderedIds(raw: string, at: number): FrameResult {
  const r = parseFrame(raw, at);
  if (r.type !== 'trades') return r;
  return { type: 'trades', trades: r.trades.map((t) => ({ ...t, id: 0, firstTradeId: 0, lastTradeId: 0, sourceId: `uuid-${t.id}` })) };
}

describe('ExchangeFeed where ids carry no order', () => {
  let sim: BinanceUsdmSimulator;
  let feed: ExchangeFeed;
  afterEach(async () => {
    await feed.stop();
    await sim.close();
  });

  it('numbers prints as they arrive (ids grow, never below exchange time × 1024) and drops repeats by the exchange id', async () => {
    sim = await BinanceUsdmSimulator.start({ recordings: { BTCUSDT: { trade: btcTrades.slice(0, 3000) } }, pace: { speed: 20 } });
    const probe = new FeedProbe();
    feed = new ExchangeFeed({
      protocol: { ...binanceUsdmProtocol, parseFrame: unorderedIds }, kind: 'aggTrade', symbolPattern: SYMBOL_PATTERN,
      dedupeBy: 'sourceId', clock: systemClock, logger: silentLogger(), wsBaseUrl: sim.wsBaseUrl, events: probe,
      minBackoffMs: 20, maxBackoffMs: 200, maxConnectionAgeMs: 400, rotationOverlapMs: 150,
    });
    await feed.subscribe(['BTCUSDT']);
    feed.start();
    await probe.until('two rotations', () => sim.stats.connectionsOpened >= 3 && probe.trades.length > 100, 20_000);
    await feed.stop();

    const ids = probe.trades.map((t) => t.id);
    for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]!);
    for (const t of probe.trades) {
      expect(t.id).toBeGreaterThanOrEqual(t.exchangeTimeMs * SEQUENCE_PER_MS);
      expect([t.firstTradeId, t.lastTradeId]).toEqual([t.id, t.id]);
    }
    // The overlaps carried prints twice; each exchange id came out once, in the exchange's order.
    expect(sim.stats.framesSent).toBeGreaterThan(sim.sentIds('BTCUSDT', 'aggTrade').length);
    const sources = probe.trades.map((t) => t.sourceId);
    expect(new Set(sources).size).toBe(sources.length);
    expect(sources).toEqual(sim.sentIds('BTCUSDT', 'aggTrade').slice(0, sources.length).map((id) => `uuid-${id}`));
  });
});
