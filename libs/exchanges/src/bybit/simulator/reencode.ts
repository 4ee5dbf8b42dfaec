import { createHash } from 'node:crypto';
import Decimal from 'decimal.js';
import { LIMITS, type Category } from '../constants';

/**
 * Real Binance prints re-encoded as Bybit `publicTrade` pushes, for volume: real Bybit captures
 * are a handful of frames (../shared/fixtures/bybit/README.md), too few for fault and parity
 * tests. Prices, sizes, times and taker sides are Binance's, untouched; what Bybit adds is made
 * the way Bybit makes it: fills of one match time share a push (at most 1024), `S` the taker's
 * side, `L` the tick direction (linear only), `i` a UUID (linear) or a 19-digit number (spot)
 * derived from Binance's id, `seq` increasing. Non-MARKET prints (insurance fund) have no Bybit
 * counterpart and are left out. Documented in docs/exchanges/bybit.md; never presented as Bybit data.
 */
export function bybitFramesFromBinance(lines: readonly string[], o: { category: Category; symbol?: string }): string[] {
  const frames: string[] = [];
  let batch: BybitItem[] = [];
  let batchTs = 0;
  let last: Decimal | null = null;
  let direction: 'Plus' | 'Minus' = 'Plus';
  const flush = (): void => {
    const first = batch[0];
    if (!first) return;
    frames.push(JSON.stringify({ topic: `publicTrade.${first.s}`, type: 'snapshot', ts: batchTs, data: batch }));
    batch = [];
  };
  for (const line of lines) {
    const t = binanceTrade(line);
    if (!t || (t.X !== undefined && t.X !== 'MARKET')) continue;
    const symbol = o.symbol ?? t.s;
    const price = new Decimal(t.p);
    let tick: string;
    if (last === null || price.eq(last)) tick = `Zero${direction}Tick`;
    else {
      direction = price.gt(last) ? 'Plus' : 'Minus';
      tick = `${direction}Tick`;
    }
    last = price;
    const first = batch[0];
    if (first && (first.T !== t.T || first.s !== symbol || batch.length >= LIMITS.tradesPerMessage)) flush();
    batch.push({
      T: t.T, s: symbol, S: t.m ? 'Sell' : 'Buy', v: t.q, p: t.p,
      ...(o.category === 'linear' ? { L: tick } : {}),
      i: sourceIdOf(o.category, symbol, t.t), BT: false, RPI: false, seq: t.t,
    });
    batchTs = t.E;
  }
  flush();
  return frames;
}

interface BybitItem {
  T: number; s: string; S: 'Buy' | 'Sell'; v: string; p: string; L?: string; i: string; BT: boolean; RPI: boolean; seq: number;
}

interface BinanceTrade {
  e: string; E: number; T: number; s: string; t: number; p: string; q: string; m: boolean; X?: string;
}

function binanceTrade(line: string): BinanceTrade | null {
  if (line.trim() === '') return null;
  const v = JSON.parse(line) as { data?: BinanceTrade } & BinanceTrade;
  const d = v.data ?? v;
  return d.e === 'trade' ? d : null;
}

/** Linear: a name-based UUID (version 5 layout); spot: 19 digits, as Bybit's spot ids look. */
export function sourceIdOf(category: Category, symbol: string, binanceId: number): string {
  if (category === 'spot') return `2290${String(binanceId).padStart(15, '0')}`;
  const h = createHash('sha1').update(`${symbol}:${binanceId}`).digest('hex');
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
