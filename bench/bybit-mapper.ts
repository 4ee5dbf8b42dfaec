/**
 * npx tsx bench/bybit-mapper.ts — frames per second through Bybit's pure mapper, beside Binance
 * USDⓈ-M's mapper on the same prints (the real 2024-07-18 capture, and the same prints
 * re-encoded as Bybit pushes), and beside ccxt's Bybit trade parser on the same fills. One thread,
 * best of 7 after warm-up; the machine is shared, so the figures are noisy.
 */
import os from 'node:os';
import ccxt from 'ccxt';
import { parseFrame as parseBybitFrame } from '../libs/exchanges/src/bybit/mapper';
import { requireExchange } from '@exgate/exchanges';
import { silentLogger, systemClock } from '@exgate/runtime';
import { bybitFramesFromBinance } from '../libs/exchanges/src/bybit/simulator/reencode';
import { fixtureLines } from '@exgate/testing';

const REPEAT = 20;
const binanceLines = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl');
const bybitLines = bybitFramesFromBinance(binanceLines, { category: 'linear' });
const received = Date.now();
const binanceUsdm = requireExchange('binance-usdm').create({ clock: systemClock, logger: silentLogger() });
const parseBinanceFrame = (raw: string, at: number) => binanceUsdm.parseFrame(raw, at);

function best(label: string, count: number, body: () => number): void {
  let sink = 0;
  for (let i = 0; i < 2; i++) sink += body();
  let bestMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    sink += body();
    bestMs = Math.min(bestMs, performance.now() - started);
  }
  const perS = Math.round((count / bestMs) * 1000).toLocaleString('en-US');
  console.log(`  ${label.padEnd(44)} ${bestMs.toFixed(1).padStart(8)} ms   ${perS.padStart(12)} prints/s   (sink ${sink})`);
}

const cpus = os.cpus();
console.log('Bybit mapper benchmark');
console.log(`machine: ${cpus[0]?.model ?? 'unknown cpu'}, ${cpus.length} cores, node ${process.version}; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`input: ${binanceLines.length} real Binance prints = ${bybitLines.length} Bybit pushes, ×${REPEAT} per run (${binanceLines.length * REPEAT} prints)`);

best('exgate bybit parseFrame (pushes)', binanceLines.length * REPEAT, () => {
  let n = 0;
  for (let r = 0; r < REPEAT; r++) for (const l of bybitLines) { const x = parseBybitFrame(l, received); if (x.type === 'trades') n += x.trades.length; }
  return n;
});
best('exgate binance-usdm parseFrame (one per print)', binanceLines.length * REPEAT, () => {
  let n = 0;
  for (let r = 0; r < REPEAT; r++) for (const l of binanceLines) if (parseBinanceFrame(l, received).type === 'trades') n++;
  return n;
});
const bybit = new ccxt.bybit();
const market = { id: 'BTCUSDT', symbol: 'BTC/USDT:USDT', type: 'swap', spot: false, linear: true } as never;
best('ccxt bybit parseTrade (JSON.parse + fills)', binanceLines.length * REPEAT, () => {
  let n = 0;
  for (let r = 0; r < REPEAT; r++) for (const l of bybitLines) for (const f of (JSON.parse(l) as { data: object[] }).data) if (bybit.parseTrade(f, market)) n++;
  return n;
});
