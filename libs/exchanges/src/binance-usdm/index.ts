import { UTC_CANDLES } from '@exgate/domain';
import { binanceModule } from '../binance/module';
import { ALIASES, USDM } from './constants';

/**
 * Binance USDⓈ-M futures. aggTrades by default: they backfill without a key; raw trades need
 * BINANCE_USDM_API_KEY for `historicalTrades`.
 */
export const binanceUsdm = binanceModule(USDM, {
  aliases: ALIASES,
  displayName: 'Binance USDⓈ-M Futures',
  envPrefix: 'BINANCE_USDM_',
  defaultKind: 'aggTrade',
  candlePolicy: UTC_CANDLES,
});
