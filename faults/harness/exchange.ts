import type { Trade, TradeKind } from '@exgate/domain';
import { credentialEnv, EXCHANGES, requireExchange, sequenced, type ExchangeModule } from '@exgate/exchanges';
import type { SimulatorControl } from '@exgate/exchanges/testing';
import { silentLogger, systemClock } from '@exgate/runtime';
import type { FaultKind } from './plan';

/**
 * An exchange as the fault suite drives it: its module (mapper, settings, simulator), the prints
 * it collects, and what its capabilities let it prove. Every run picks one.
 */
export interface FaultExchange {
  readonly module: ExchangeModule;
  readonly id: string;
  readonly kind: TradeKind;
  /** Ids go up by one: every loss shows, and is fetched back by id. */
  readonly contiguous: boolean;
  /**
   * Faults this exchange can answer. Frames lost on a live connection (a gap) only make sense
   * where ids or a per-connection message sequence reveal the loss, a REST backfill only where
   * ids do.
   */
  readonly kinds: readonly FaultKind[];
}

/** Faults that only an exchange with contiguous ids can notice (a hole shows by the next id). */
const NEEDS_CONTIGUOUS_IDS: readonly FaultKind[] = ['gap', 'rest429'];
/** Of those, what an exchange numbering its messages per connection notices too (it cannot fetch the hole back). */
const SHOWN_BY_SEQUENCE: readonly FaultKind[] = ['gap'];

export function faultExchange(idOrAlias: string): FaultExchange {
  const module = requireExchange(idOrAlias);
  const { info } = module;
  const contiguous = info.capabilities.tradeIds === 'contiguous' && info.capabilities.backfill === 'by-id';
  const every: FaultKind[] = ['drop', 'gap', 'garble', 'rest429', 'silence', 'replay', 'collector-kill', 'aggregator-kill', 'broker-restart', 'rebalance'];
  return {
    module, id: info.id, kind: info.tradeKind, contiguous,
    kinds: contiguous ? every : every.filter((k) => !NEEDS_CONTIGUOUS_IDS.includes(k)
      || (info.capabilities.messageSequence === 'per-connection' && SHOWN_BY_SEQUENCE.includes(k))),
  };
}

/** Every registered exchange: the suite spreads its runs over them. */
export const FAULT_EXCHANGES: readonly string[] = EXCHANGES.map((m) => m.info.id);

/** The settings a collector of this exchange reads (its own prefix), pointed at the simulator with its credentials. */
export function exchangeEnv(x: FaultExchange, sim: SimulatorControl): Record<string, string> {
  const p = x.module.env.prefix;
  return {
    EXGATE_EXCHANGES: x.id, [`${p}WS_URL`]: sim.wsBaseUrl, [`${p}REST_URL`]: sim.restBaseUrl,
    ...(x.module.info.tradeKinds.length > 1 ? { [`${p}STREAM`]: x.kind } : {}),
    // Exchanges that sign market data (INTX) verify the simulator's own credentials.
    ...(sim.credentials ? credentialEnv(p, sim.credentials) : {}),
  };
}

/**
 * What a perfect collector would have read: the exchange's own mapper over every frame the
 * simulator played, by symbol. The truth that candles called complete are held to where ids
 * cannot show a loss. (A Binance simulator plays raw trades and makes the aggTrades itself: its
 * truth is the raw trades, and its runs are judged by id instead.)
 */
export function truthOf(x: FaultExchange, frames: readonly string[]): Map<string, Trade[]> {
  const adapter = x.module.create({ clock: systemClock, logger: silentLogger() });
  const bySymbol = new Map<string, Trade[]>();
  for (const frame of frames) {
    const r = adapter.parseFrame(frame, Date.now());
    if (r.type !== 'trades') continue;
    for (const raw of r.trades) {
      const list = bySymbol.get(raw.symbol);
      // Where ids carry no order, the feed numbers prints as they arrive: so does the truth.
      const t = x.module.info.capabilities.tradeIds === 'none' ? sequenced(raw, list?.at(-1)?.id) : raw;
      if (list) list.push(t);
      else bySymbol.set(t.symbol, [t]);
    }
  }
  return bySymbol;
}

/** A print's identity across the exchange and the store: its own id, wherever exgate had to number it. */
export const identity = (t: Trade): string => t.sourceId ?? String(t.id);
