/**
 * Real Binance prints re-encoded as OKX `trades-all` pushes, for volume: real OKX captures are a
 * few dozen fills (../shared/fixtures/okx/README.md), too few for fault and parity tests. Prices,
 * sizes, times and taker sides are Binance's, untouched; the symbol is OKX's spelling of the same
 * spot pair (BTCUSDT → BTC-USDT); `tradeId` counts up by one from Binance's first id, as OKX's do
 * per instrument (Binance's non-MARKET prints have no OKX counterpart and are left out, without
 * leaving a hole). Never presented as OKX data (docs/exchanges/okx.md).
 */
export function okxFramesFromBinance(lines: readonly string[], o: { instId?: string } = {}): string[] {
  const frames: string[] = [];
  let next: number | null = null;
  for (const line of lines) {
    const t = binanceTrade(line);
    if (!t || (t.X !== undefined && t.X !== 'MARKET')) continue;
    const instId = o.instId ?? okxSpelling(t.s);
    next ??= t.t;
    const item = { instId, tradeId: String(next++), px: t.p, sz: t.q, side: t.m ? 'sell' : 'buy', ts: String(t.T), source: '0' };
    frames.push(JSON.stringify({ arg: { channel: 'trades-all', instId }, data: [item] }));
  }
  return frames;
}

const QUOTES = ['FDUSD', 'USDT', 'USDC', 'BUSD', 'TUSD', 'EUR', 'BTC', 'ETH'];

/** BTCUSDT → BTC-USDT. */
export function okxSpelling(binanceSymbol: string): string {
  const quote = QUOTES.find((q) => binanceSymbol.endsWith(q) && binanceSymbol.length > q.length);
  return quote ? `${binanceSymbol.slice(0, -quote.length)}-${quote}` : binanceSymbol;
}

interface BinanceTrade {
  e: string; T: number; s: string; t: number; p: string; q: string; m: boolean; X?: string;
}

function binanceTrade(line: string): BinanceTrade | null {
  if (line.trim() === '') return null;
  const v = JSON.parse(line) as { data?: BinanceTrade } & BinanceTrade;
  const d = v.data ?? v;
  return d.e === 'trade' ? d : null;
}
