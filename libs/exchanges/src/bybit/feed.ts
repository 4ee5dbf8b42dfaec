import type { TradeKind } from '@exgate/domain';
import { ExgateError } from '@exgate/errors';
import type { Clock, Logger } from '@exgate/runtime';
import { ExchangeFeed } from '../common/feed';
import type { FeedOptions, TradeFeed } from '../types';
import { CATEGORIES, categoryOf, SYMBOL_PATTERN, symbolPatternOf, type Category } from './constants';
import { bybitProtocol } from './protocol';

export interface BybitFeedOptions extends FeedOptions {
  readonly kind: TradeKind;
  readonly wsBaseUrl: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly rotationOverlapMs?: number;
  readonly connectTimeoutMs?: number;
}

/**
 * Bybit serves each market on its own websocket path, so one exgate feed is one shared
 * ExchangeFeed per category: `BTCUSDT` goes to `/v5/public/linear`, `BTCUSDT-SPOT` to
 * `/v5/public/spot`. Ids carry no order: repeats (rotation overlap) are recognised by Bybit's id.
 */
export class BybitFeed implements TradeFeed {
  private readonly feeds = new Map<Category, ExchangeFeed>();
  private running = false;

  constructor(private readonly o: BybitFeedOptions) {}

  get symbols(): ReadonlySet<string> {
    return new Set([...this.feeds.values()].flatMap((f) => [...f.symbols]));
  }

  start(): void {
    this.running = true;
    for (const f of this.feeds.values()) f.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all([...this.feeds.values()].map((f) => f.stop()));
  }

  async subscribe(symbols: readonly string[]): Promise<void> {
    // Every symbol is checked before anything is sent, in either market.
    for (const s of symbols) {
      if (!SYMBOL_PATTERN.test(s)) {
        throw new ExgateError('INVALID_ARGUMENT', `"${s.slice(0, 40)}" is not a Bybit symbol (BTCUSDT for the linear contract, BTCUSDT-SPOT for spot)`);
      }
    }
    await Promise.all(CATEGORIES.map((c) => {
      const mine = symbols.filter((s) => categoryOf(s) === c);
      return mine.length > 0 ? this.feed(c).subscribe(mine) : undefined;
    }));
  }

  async unsubscribe(symbols: readonly string[]): Promise<void> {
    await Promise.all(CATEGORIES.map((c) => {
      const mine = symbols.filter((s) => categoryOf(s) === c);
      return mine.length > 0 ? this.feeds.get(c)?.unsubscribe(mine) : undefined;
    }));
  }

  private feed(category: Category): ExchangeFeed {
    let feed = this.feeds.get(category);
    if (feed) return feed;
    feed = new ExchangeFeed({
      ...this.o,
      protocol: bybitProtocol(category),
      symbolPattern: symbolPatternOf(category),
      dedupeBy: 'sourceId',
    });
    this.feeds.set(category, feed);
    if (this.running) feed.start();
    return feed;
  }
}

