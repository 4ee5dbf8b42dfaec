/**
 * npx tsx bench/coinbase-intx-mapper.ts — MATCH messages per second through Coinbase INTX's pure
 * mapper, beside Binance USDⓈ-M's mapper on the same prints (the real 2024-07-18 capture, and the
 * same prints re-encoded as MATCH messages), and beside ccxt pro's INTX trade parser on the same
 * messages. One thread, best of 7 after warm-up; the machine is shared, so the figures are noisy.
 */
import os from 'node:os';
import ccxt from 'ccxt';
import { requireExchange } from '@exgate/exchanges';
import { silentLogger, systemClock } from '@exgate/runtime';
import { fixtureLines } from '@exgate/testing';
import { parseFrame as parseIntxFrame } from '../libs/exchanges/src/coinbase-intx/mapper';
import { intxFramesFromBinance } from '../libs/exchanges/src/coinbase-intx/simulator/reencode';

const REPEAT = 20;
const binanceLines = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl');
const intxLines = intxFramesFromBinance(binanceLines);
const received = Date.now();
const binanceUsdm = requireExchange('binance-usdm').create({ clock: systemClock, logger: silentLogger() });

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
console.log('Coinbase INTX mapper benchmark');
console.log(`machine: ${cpus[0]?.model ?? 'unknown cpu'}, ${cpus.length} cores, node ${process.version}; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`input: ${binanceLines.length} real Binance prints = ${intxLines.length} MATCH messages, ×${REPEAT} per run (${intxLines.length * REPEAT} prints)`);

best('exgate coinbase-intx parseFrame (MATCH)', intxLines.length * REPEAT, () => {
  let n = 0;
  for (let r = 0; r < REPEAT; r++) for (const l of intxLines) if (parseIntxFrame(l, received).type === 'trades') n++;
  return n;
});
best('exgate binance-usdm parseFrame (one per print)', binanceLines.length * REPEAT, () => {
  let n = 0;
  for (let r = 0; r < REPEAT; r++) for (const l of binanceLines) if (binanceUsdm.parseFrame(l, received).type === 'trades') n++;
  return n;
});
const intx = new ccxt.pro.coinbaseinternational();
const market = { id: 'BTC-PERP', symbol: 'BTC/USDC:USDC', type: 'swap', spot: false, linear: true } as never;
best('ccxt pro coinbaseinternational parseWsTrade', intxLines.length * REPEAT, () => {
  let n = 0;
  for (let r = 0; r < REPEAT; r++) for (const l of intxLines) if ((intx as unknown as { parseWsTrade(t: object, m: never): unknown }).parseWsTrade(JSON.parse(l) as object, market)) n++;
  return n;
});
