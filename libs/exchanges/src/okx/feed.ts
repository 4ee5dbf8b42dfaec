import type { Trade, TradeKind } from '@exgate/domain';
import { ExgateError, errorMessage } from '@exgate/errors';
import { retry, type Clock, type Logger } from '@exgate/runtime';
import { ExchangeFeed } from '../common/feed';
import type { FeedOptions, FrameResult, TradeFeed } from '../types';
import { SYMBOL_PATTERN } from './constants';
import { isRelisting } from './listing';
import { parseFrame } from './mapper';
import { okxProtocol } from './protocol';
import type { OkxRest } from './rest';

export interface OkxFeedOptions extends FeedOptions {
  readonly kind: TradeKind;
  readonly wsBaseUrl: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The instrument book: listing epochs and contract values, loaded before a symbol is subscribed. */
  readonly rest: Pick<OkxRest, 'requireListing' | 'cachedListing' | 'relisted'>;
  readonly rotationOverlapMs?: number;
  readonly connectTimeoutMs?: number;
}

/**
 * OKX trades over the shared ExchangeFeed, with what only OKX needs: every symbol's listing is
 * loaded before it is subscribed (a swap's size needs its contract value, every id its listing
 * epoch), and a relisting (tradeId restarting while time goes on) is caught here: that symbol's
 * prints are held back until the book shows the new listing, and the collector fetches them by id
 * (docs/adr/0017-okx-listing-epochs.md).
 */
export class OkxFeed implements TradeFeed {
  private readonly inner: ExchangeFeed;
  private readonly last = new Map<string, { tradeId: number; timeMs: number }>();
  private readonly relisting = new Set<string>();

  constructor(private readonly o: OkxFeedOptions) {
    this.inner = new ExchangeFeed({
      ...o,
      protocol: okxProtocol((raw, at) => this.parse(raw, at)),
      symbolPattern: SYMBOL_PATTERN,
      dedupeBy: 'id',
    });
  }

  get symbols(): ReadonlySet<string> {
    return this.inner.symbols;
  }

  start(): void {
    this.inner.start();
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  async subscribe(symbols: readonly string[]): Promise<void> {
    for (const s of symbols) {
      if (!SYMBOL_PATTERN.test(s)) {
        throw new ExgateError('INVALID_ARGUMENT', `"${s.slice(0, 40)}" is not an OKX symbol (BTC-USDT for spot, BTC-USDT-SWAP for the linear swap)`);
      }
    }
    // An unlisted symbol fails now; an unavailable REST is waited out, as the collector would not ask again.
    await Promise.all(symbols.map((s) => retry(() => this.o.rest.requireListing(s), {
      attempts: 12, minMs: 500, maxMs: 30_000,
      onRetry: (e, attempt, delayMs) => this.o.logger.warn({ symbol: s, attempt, delayMs, err: errorMessage(e) }, 'OKX instruments not loaded; retrying before subscribing'),
    })));
    await this.inner.subscribe(symbols);
  }

  async unsubscribe(symbols: readonly string[]): Promise<void> {
    for (const s of symbols) this.last.delete(s);
    await this.inner.unsubscribe(symbols);
  }

  /** The mapper with the book's listings, and the relisting check per symbol. */
  private parse(raw: string, receivedAtMs: number): FrameResult {
    const result = parseFrame(raw, receivedAtMs, (instId) => this.o.rest.cachedListing(instId));
    if (result.type !== 'trades') return result;
    const kept: Trade[] = [];
    for (const t of result.trades) {
      if (this.relisting.has(t.symbol)) continue;
      const tradeId = Number(t.sourceId);
      const last = this.last.get(t.symbol);
      if (isRelisting(last, tradeId, t.exchangeTimeMs)) {
        this.relisted(t.symbol, t.exchangeTimeMs);
        continue;
      }
      if (!last || tradeId > last.tradeId) this.last.set(t.symbol, { tradeId, timeMs: t.exchangeTimeMs });
      kept.push(t);
    }
    return kept.length > 0 ? { type: 'trades', trades: kept } : { type: 'control', detail: 'prints held back: relisting' };
  }

  /**
   * Reloads the listing, then subscribes the symbol afresh: its `subscribed` status makes the
   * collector catch up by id as after any reconnect, and the prints held back meanwhile come back
   * from history-trades (an id of the old epoch is served from the new listing's first fill).
   */
  private relisted(symbol: string, firstFillMs: number): void {
    this.relisting.add(symbol);
    this.last.delete(symbol);
    this.o.logger.warn({ symbol }, 'OKX tradeId restarted: the instrument was relisted; loading its new listing');
    void (async () => {
      try {
        const listing = await this.o.rest.relisted(symbol, firstFillMs);
        this.o.logger.info({ symbol, epoch: listing.epoch }, 'OKX relisting: numbering prints in the new epoch');
        if (this.inner.symbols.has(symbol)) {
          await this.inner.unsubscribe([symbol]);
          this.relisting.delete(symbol);
          await this.inner.subscribe([symbol]);
        }
      } catch (e) {
        this.o.logger.error({ symbol, err: errorMessage(e) }, 'OKX relisting: the new listing could not be loaded');
      } finally {
        this.relisting.delete(symbol);
      }
    })();
  }
}
