import type { Trade } from '@exgate/domain';
import { isPositiveDecimalText } from '../common/decimal';
import { isBoolean, isInt, isNonNegativeInt, isOptional, isRecord, isString } from '../common/fast-checks';
import { isPlausibleMs } from '../common/frame';
import { exgateSymbol, symbolPatternOf, TOPIC_PREFIX, type Category } from './constants';
import { bybitTrade } from './trade';

/**
 * The fast path of Bybit's mapper (docs/adr/0019-trade-path.md): a JSON.parse'd `publicTrade`
 * push read with plain checks, no zod, no copy of the fills. It only ever accepts: a push that
 * every check of the full mapper passes becomes the same trades; anything else is null, and the
 * full mapper (zod) decides and words the rejection. fast-frame.property.spec.ts holds the two equal.
 */
export function fastTrades(value: unknown, receivedAtMs: number, category: Category | undefined): Trade[] | null {
  if (!isRecord(value)) return null;
  const { topic, ts, data } = value;
  if (!isString(topic) || !isString(value.type) || !isNonNegativeInt(ts) || !Array.isArray(data) || data.length === 0) return null;
  if (!topic.startsWith(TOPIC_PREFIX) || !isPlausibleMs(ts, receivedAtMs)) return null;
  const first: unknown = data[0];
  if (!isRecord(first)) return null;
  // As the full mapper: a push read on its own is linear when it carries `L` (derivatives only).
  const market = category ?? (first.L === undefined ? 'spot' : 'linear');
  const trades: Trade[] = [];
  // null, not '': an empty symbol is a value to check, not a value already checked.
  let checkedSymbol: string | null = null;
  for (let n = 0; n < data.length; n++) {
    const item: unknown = data[n];
    if (!isRecord(item)) return null;
    const { T, s, S, v, p, i, BT, RPI } = item;
    if (!isNonNegativeInt(T) || !isString(s) || (S !== 'Buy' && S !== 'Sell') || !isString(v) || !isString(p)) return null;
    if (!isString(i) || i.length === 0 || i.length > 64) return null;
    if (!isOptional(item.L, isString) || !isOptional(BT, isBoolean) || !isOptional(RPI, isBoolean) || !isOptional(item.seq, isInt)) return null;
    // The topic names the symbol its fills carry; one push is one symbol, checked once.
    if (s !== checkedSymbol) {
      if (s.length !== topic.length - TOPIC_PREFIX.length || !topic.endsWith(s)) return null;
      if (!symbolPatternOf(market).test(exgateSymbol(market, s))) return null;
      checkedSymbol = s;
    }
    if (!isPositiveDecimalText(p) || !isPositiveDecimalText(v) || !isPlausibleMs(T, receivedAtMs)) return null;
    trades.push(bybitTrade({
      symbol: exgateSymbol(market, s), sourceId: i, price: p, size: v, takerSide: S,
      blockTrade: BT ?? false, rpiTrade: RPI ?? false, tradeTimeMs: T, eventTimeMs: ts, receivedAtMs,
    }));
  }
  return trades;
}
