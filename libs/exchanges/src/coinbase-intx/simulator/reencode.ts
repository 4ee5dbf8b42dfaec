import { createHash } from 'node:crypto';

/** Quotes a Binance name may end with; INTX's perpetuals are all USDC-margined and named BASE-PERP. */
const QUOTES = ['FDUSD', 'USDT', 'USDC', 'BUSD', 'TUSD', 'USD'];

/**
 * Real Binance prints re-encoded as INTX MATCH messages, for volume: real INTX captures are
 * single frames (../shared/fixtures/coinbase-intx/README.md). Prices, sizes, times and taker
 * sides are Binance's, untouched; what INTX adds is made the way INTX makes it: one message per
 * match, `aggressor_side` the taker's side, an 18-digit `match_id` derived from Binance's id and
 * the instrument, ISO times with milliseconds, `sequence` counting the messages (the simulator
 * renumbers per connection, as INTX does). `trade` frames become one match each; `aggTrade`
 * frames (one taker order at one price) one match each too; non-MARKET prints (insurance fund)
 * and frames of other kinds (klines, mark prices) have no INTX counterpart and are left out.
 * Documented in docs/exchanges/coinbase-intx.md; never presented as INTX data.
 */
export function intxFramesFromBinance(lines: readonly string[]): string[] {
  const frames: string[] = [];
  for (const line of lines) {
    const t = binancePrint(line);
    if (!t) continue;
    const product = instrumentOf(t.s);
    frames.push(JSON.stringify({
      channel: 'MATCH', type: 'UPDATE', product_id: product, sequence: frames.length,
      match_id: matchIdOf(product, t.id), trade_price: t.p, trade_qty: t.q,
      aggressor_side: t.m ? 'SELL' : 'BUY', time: new Date(t.T).toISOString(),
    }));
  }
  return frames;
}

/** BTCUSDT → BTC-PERP. */
export function instrumentOf(binanceSymbol: string): string {
  const s = binanceSymbol.toUpperCase();
  const quote = QUOTES.find((q) => s.endsWith(q) && s.length > q.length);
  return `${quote ? s.slice(0, -quote.length) : s}-PERP`;
}

/** 18 digits, like INTX's snowflake-style ids: three from the instrument, fifteen from Binance's id. */
export function matchIdOf(product: string, binanceId: number): string {
  const prefix = 100 + (createHash('sha1').update(product).digest().readUInt16BE(0) % 900);
  return `${prefix}${String(binanceId % 1e15).padStart(15, '0')}`;
}

interface BinancePrint {
  s: string; id: number; p: string; q: string; T: number; m: boolean;
}

function binancePrint(line: string): BinancePrint | null {
  if (line.trim() === '') return null;
  let v: { data?: Record<string, unknown> } & Record<string, unknown>;
  try {
    v = JSON.parse(line) as typeof v;
  } catch {
    return null;
  }
  const d = (v.data ?? v) as Record<string, unknown>;
  if (d.X !== undefined && d.X !== 'MARKET') return null;
  const id = d.e === 'trade' ? d.t : d.e === 'aggTrade' ? d.a : undefined;
  if (typeof id !== 'number' || typeof d.s !== 'string' || typeof d.p !== 'string' || typeof d.q !== 'string' || typeof d.T !== 'number') return null;
  return { s: d.s, id, p: d.p, q: d.q, T: d.T, m: d.m === true };
}
