import type { Clock, Logger } from '@exgate/runtime';
import { ExgateError } from '@exgate/errors';
import { ExchangeFeed } from '../common/feed';
import type { FeedOptions, TradeFeed } from '../types';
import { SYMBOL_PATTERN } from './constants';
import { intxProtocol, type IntxCredentials } from './protocol';

export interface IntxFeedOptions extends FeedOptions {
  readonly wsBaseUrl: string;
  /** Absent or incomplete: the feed stays offline (INTX refuses unsigned subscriptions). */
  readonly credentials: IntxCredentials | null;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly connectTimeoutMs?: number;
}

/** Said in the log and in the API's error alike. */
export const NO_CREDENTIALS =
  'Coinbase INTX signs even market-data subscriptions: set COINBASE_INTX_API_KEY, COINBASE_INTX_API_SECRET and COINBASE_INTX_PASSPHRASE (a read-only key)';

/**
 * INTX's MATCH feed over the shared connection code. Match ids carry no order, so repeats are
 * recognised by `match_id` and the feed numbers prints on arrival. Without credentials it never
 * connects: an unsigned SUBSCRIBE is refused and the socket cut after 3 s, so trying would only
 * loop. Symbols are kept (and checked) so that the state stays what was asked.
 */
export class IntxFeed implements TradeFeed {
  private readonly inner: ExchangeFeed | null;
  private readonly offline = new Set<string>();
  private warned = false;

  constructor(private readonly o: IntxFeedOptions) {
    this.inner = o.credentials === null ? null : new ExchangeFeed({
      ...o,
      kind: 'trade',
      protocol: intxProtocol({ credentials: o.credentials, clock: o.clock }),
      symbolPattern: SYMBOL_PATTERN,
      dedupeBy: 'sourceId',
    });
  }

  get symbols(): ReadonlySet<string> {
    return this.inner?.symbols ?? this.offline;
  }

  start(): void {
    this.inner?.start();
  }

  async stop(): Promise<void> {
    await this.inner?.stop();
  }

  async subscribe(symbols: readonly string[]): Promise<void> {
    for (const s of symbols) {
      if (!SYMBOL_PATTERN.test(s)) throw new ExgateError('INVALID_ARGUMENT', `"${s.slice(0, 40)}" is not a Coinbase INTX instrument (BTC-PERP, BTC-USDC)`);
    }
    if (this.inner) return this.inner.subscribe(symbols);
    for (const s of symbols) this.offline.add(s);
    if (!this.warned && symbols.length > 0) {
      this.warned = true;
      this.o.logger.error({ symbols: symbols.slice(0, 10) }, `${NO_CREDENTIALS}; not connecting`);
    }
  }

  async unsubscribe(symbols: readonly string[]): Promise<void> {
    if (this.inner) return this.inner.unsubscribe(symbols);
    for (const s of symbols) this.offline.delete(s);
  }
}

/** All three credentials, or null (INTX needs key, secret and passphrase to sign). */
export function completeCredentials(c: { apiKey: string; apiSecret?: string; passphrase?: string } | undefined): IntxCredentials | null {
  return c?.apiSecret !== undefined && c.passphrase !== undefined ? { apiKey: c.apiKey, apiSecret: c.apiSecret, passphrase: c.passphrase } : null;
}
