import { compareDecimalStrings } from '@exgate/domain';
import { fixtureLines } from '@exgate/testing';

/** The 2024-07-18 USDⓈ-M capture and Binance's own 1m klines of the same minutes. */
export const FIXTURE = ['binance', 'usdm-trades-2024-07-18'] as const;
export const tradeLines = (): string[] => fixtureLines(...FIXTURE, 'btcusdt-trade-stream.jsonl');
export const klineLines = (): string[] => fixtureLines(...FIXTURE, 'btcusdt-klines-1m.csv');

export interface BinanceKline {
  readonly openTimeMs: number;
  readonly fields: Readonly<Record<string, string | number>>;
}

/** Binance's CSV rows, as published, for the minutes the capture covers whole (strictly inside its first and last print). */
export function coveredBinanceRows(): string[] {
  const times = tradeLines().map((l) => (JSON.parse(l) as { data: { T: number } }).data.T);
  const [first, last] = [times[0]!, times[times.length - 1]!];
  return klineLines()
    .slice(1)
    .filter((row) => {
      const c = row.split(',');
      return Number(c[0]) > first && Number(c[6]) < last;
    });
}

/** The same minutes as fields, for comparing with API and topic candles. */
export function coveredBinanceKlines(): BinanceKline[] {
  return coveredBinanceRows()
    .map((row) => row.split(','))
    .map((c) => ({
      openTimeMs: Number(c[0]),
      fields: {
        open_time: Number(c[0]), open: c[1]!, high: c[2]!, low: c[3]!, close: c[4]!, volume: c[5]!,
        close_time: Number(c[6]), quote_volume: c[7]!, trade_count: Number(c[8]),
        taker_buy_volume: c[9]!, taker_buy_quote_volume: c[10]!,
      },
    }));
}

/** Every field of Binance's kline equal in `ours`, decimals compared as decimals. */
export function differences(ours: Readonly<Record<string, unknown>>, binance: BinanceKline): string[] {
  return Object.entries(binance.fields).flatMap(([field, expected]) => {
    const got = ours[field];
    const same = typeof expected === 'number' ? got === expected : typeof got === 'string' && compareDecimalStrings(got, expected) === 0;
    return same ? [] : [`${binance.openTimeMs} ${field}: ours ${String(got)}, Binance ${String(expected)}`];
  });
}
