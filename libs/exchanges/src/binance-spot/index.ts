import { UTC_CANDLES } from '@exgate/domain';
import { binanceModule } from '../binance/module';
import { SPOT } from './constants';

/**
 * Binance spot (alias `binance`). Raw trades by default: every spot print counts in Binance's
 * klines (no insurance-fund prints), and `historicalTrades` serves them by id without a key.
 */
export const binanceSpot = binanceModule(SPOT, {
  aliases: ['binance'],
  displayName: 'Binance Spot',
  envPrefix: 'BINANCE_SPOT_',
  defaultKind: 'trade',
  candlePolicy: UTC_CANDLES,
});
