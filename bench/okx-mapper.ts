/**
 * npx tsx bench/okx-mapper.ts — frames per second through OKX's pure mapper (the real 2024-07-18
 * Binance capture re-encoded as OKX `trades-all` pushes), beside Binance USDⓈ-M's mapper on the
 * same prints and ccxt's OKX trade parser on the same fills. One thread, best of 7 after warm-up;
 * the machine is shared, so the figures are noisy.
 */
import os from 'node:os';
import ccxt from 'ccxt';
import { requireExchange } from '@exgate/exchanges';
import { silentLogger, systemClock } from '@exgate/runtime';
import { fixtureLines } from '@exgate/testing';
import { parseFrame as parseOkxFrame } from '../libs/exchanges/src/okx/mapper';
import { okxFramesFromBinance } from '../libs/exchanges/src/okx/simulator/reencode';

const REPEAT = 20;
const binanceLines = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl');
const okxLines = okxFramesFromBinance(binanceLines);
const received = Date.now();
const binanceUsdm = requireExchange('binance-usdm').create({ clock: systemClock, logger: silentLogger() });
const listing = () => ({ epoch: 2756 });

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
console.log('OKX mapper benchmark');
console.log(`machine: ${cpus[0]?.model ?? 'unknown cpu'}, ${cpus.length} cores, node ${process.version}; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`input: ${binanceLines.length} real Binance prints = ${okxLines.length} OKX pushes, ×${REPEAT} per run`);

best('exgate okx parseFrame (trades-all pushes)', okxLines.length * REPEAT, () => {
  let n = 0;
  for (let r = 0; r < REPEAT; r++) for (const l of okxLines) { const x = parseOkxFrame(l, received, listing); if (x.type === 'trades') n += x.trades.length; }
  return n;
});
best('exgate binance-usdm parseFrame', binanceLines.length * REPEAT, () => {
  let n = 0;
  for (let r = 0; r < REPEAT; r++) for (const l of binanceLines) if (binanceUsdm.parseFrame(l, received).type === 'trades') n++;
  return n;
});
const okx = new ccxt.okx();
const market = { id: 'BTC-USDT', symbol: 'BTC/USDT', type: 'spot', spot: true } as never;
best('ccxt okx parseTrade (JSON.parse + fills)', okxLines.length * REPEAT, () => {
  let n = 0;
  for (let r = 0; r < REPEAT; r++) for (const l of okxLines) for (const f of (JSON.parse(l) as { data: object[] }).data) if (okx.parseTrade(f, market)) n++;
  return n;
});
