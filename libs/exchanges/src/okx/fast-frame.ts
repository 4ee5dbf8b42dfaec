import type { Trade } from '@exgate/domain';
import { isPositiveDecimalText } from '../common/decimal';
import { isDigits, isInt, isOptional, isRecord, isString } from '../common/fast-checks';
import { isPlausibleMs } from '../common/frame';
import { isSwap, SYMBOL_PATTERN, TRADES, TRADES_ALL } from './constants';
import { EPOCH_SPAN, type Listing, type Listings } from './listing';
import { okxTrade, type OkxPrint } from './trade';

/** The listing of an instrument REST has not described: epoch 0. */
const UNLISTED: Listing = { epoch: 0 };

/**
 * The fast path of OKX's mapper (docs/adr/0019-trade-path.md): a JSON.parse'd `trades-all` or
 * `trades` push read with plain checks, no zod, no copy of the fills. It only ever accepts: a
 * push that every check of the full mapper passes becomes the same trades; anything else is null,
 * and the full mapper (zod) decides and words the rejection. fast-frame.property.spec.ts holds
 * the two equal.
 */
export function fastTrades(value: unknown, receivedAtMs: number, listings: Listings): Trade[] | null {
  if (!isRecord(value) || 'event' in value) return null;
  const { arg, data } = value;
  if (!isRecord(arg) || !Array.isArray(data) || data.length === 0) return null;
  const { channel, instId } = arg;
  const kind = channel === TRADES_ALL ? 'trade' : channel === TRADES ? 'aggTrade' : null;
  // One push is one instrument (every fill must name the push's): its checks are made once.
  if (kind === null || !isString(instId) || !SYMBOL_PATTERN.test(instId)) return null;
  const listing = listings(instId);
  if (isSwap(instId) && !isPositiveDecimalText(listing?.ctVal ?? '')) return null;
  const trades: Trade[] = [];
  for (let n = 0; n < data.length; n++) {
    const item: unknown = data[n];
    if (!isRecord(item) || item.instId !== instId) return null;
    const { tradeId, px, sz, side, ts, count, source } = item;
    if (!isDigits(tradeId, 16) || !isString(px) || !isString(sz) || (side !== 'buy' && side !== 'sell') || !isDigits(ts, 16)) return null;
    if (!isOptional(count, isDigitString) || (source !== undefined && source !== '0' && source !== '1') || !isOptional(item.seqId, isInt)) return null;
    const last = Number(tradeId);
    const fills = count === undefined ? 1 : Number(count);
    if (last < 1 || last >= EPOCH_SPAN || fills < 1 || fills > last) return null;
    if (!isPositiveDecimalText(px) || !isPositiveDecimalText(sz) || !isPlausibleMs(Number(ts), receivedAtMs)) return null;
    trades.push(okxTrade(item as unknown as OkxPrint, kind, listing ?? UNLISTED, receivedAtMs));
  }
  return trades;
}

/** `digits` of schemas.ts: /^\d{1,16}$/. */
function isDigitString(value: unknown): value is string {
  return isDigits(value, 16);
}
