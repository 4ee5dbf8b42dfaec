import type { CandleAggregatorOptions } from '@exgate/domain';
import { resolveExchange } from '@exgate/exchanges';

/**
 * What an exchange's engine must know of the exchange, from the registry: whether a jump in ids
 * is a loss (capability `tradeIds`), and how its candles are built (its candle policy). An
 * exchange this build does not know gets Binance's rules and no id-based loss detection.
 */
export function engineSemantics(exchange: string): Pick<CandleAggregatorOptions, 'contiguousIds' | 'tzOffsetMs' | 'openAt'> {
  const info = resolveExchange(exchange)?.info;
  return {
    contiguousIds: info?.capabilities.tradeIds === 'contiguous',
    tzOffsetMs: info?.candlePolicy.tzOffsetMs ?? 0,
    openAt: info?.candlePolicy.openAt ?? 'first-print',
  };
}
