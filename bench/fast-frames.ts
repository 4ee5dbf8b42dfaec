/**
 * npm run bench -- frames (or npx tsx bench/fast-frames.ts) — CPU time per frame of each
 * exchange's mapper with its fast path (after) beside its full mapper, JSON.parse and zod (before),
 * in the same process, runs alternating, on the exchange's recorded frames (each file's lines
 * played over and over up to ~200,000 frames) and on the real Binance capture re-encoded in the
 * exchange's shape. Beside them, the peer on the re-encoded capture: ccxt's own parser of the
 * exchange's trades (JSON.parse, then its parseTrade for each fill; ccxt has no HotBit). Best of 5
 * after a warm-up each; CPU time (user + system) of this process: the machine is shared, so give
 * the load average with any figure.
 */
import os from 'node:os';
import ccxt from 'ccxt';
import { fixtureLines } from '@exgate/testing';
import type { FrameResult } from '../libs/exchanges/src/types';
import * as bybit from '../libs/exchanges/src/bybit/mapper';
import { bybitFramesFromBinance } from '../libs/exchanges/src/bybit/simulator/reencode';
import * as intx from '../libs/exchanges/src/coinbase-intx/mapper';
import { intxFramesFromBinance } from '../libs/exchanges/src/coinbase-intx/simulator/reencode';
import * as hotbit from '../libs/exchanges/src/hotbit/mapper';
import { hotbitFramesFromBinance } from '../libs/exchanges/src/hotbit/simulator/recording';
import { isSwap } from '../libs/exchanges/src/okx/constants';
import type { Listings } from '../libs/exchanges/src/okx/listing';
import * as okx from '../libs/exchanges/src/okx/mapper';
import { okxFramesFromBinance } from '../libs/exchanges/src/okx/simulator/reencode';

const FRAMES = 200_000;
const RUNS = 5;

type Mapper = (raw: string, receivedAtMs: number) => FrameResult;
/** Reads a frame; answers how many trades it read. */
type Reader = (raw: string) => number;

interface Case {
  readonly name: string;
  readonly frames: readonly string[];
  readonly before: Mapper;
  readonly after: Mapper;
  /** ccxt's parser of the same frames, where ccxt has the exchange. */
  readonly peer?: Reader;
}

const binanceLines = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl');
const received = Date.now();
/** As REST would describe them: an epoch, and a contract value for swaps. */
const okxListings: Listings = (instId) => (isSwap(instId) ? { epoch: 2756, ctVal: '0.01' } : { epoch: 2756 });

/** ccxt's parseTrade over a push's fills (`data`), given the market the re-encoded frames are of. */
function ccxtFills(parseTrade: (fill: object, market: never) => unknown, market: object): Reader {
  return (raw) => {
    let n = 0;
    for (const fill of (JSON.parse(raw) as { data: object[] }).data) if (parseTrade(fill, market as never)) n++;
    return n;
  };
}
const ccxtOkx = new ccxt.okx();
const ccxtBybit = new ccxt.bybit();
const ccxtIntx = new ccxt.pro.coinbaseinternational() as unknown as { parseWsTrade(t: object, m: never): unknown };
const intxPerp = { id: 'BTC-PERP', symbol: 'BTC/USDC:USDC', type: 'swap', spot: false, linear: true } as never;

const cases: Case[] = [
  {
    name: 'bybit recorded (tardis 2023-04-05 + doc example)',
    frames: [...fixtureLines('bybit', 'tardis-node-mappers-test-trade-messages.jsonl'), ...fixtureLines('bybit', 'doc-example-publicTrade-linear.json')],
    before: bybit.parseFrameFull, after: bybit.parseFrame,
  },
  {
    name: 'bybit re-encoded Binance capture (linear)',
    frames: bybitFramesFromBinance(binanceLines, { category: 'linear' }),
    before: (raw, at) => bybit.parseFrameFull(raw, at, 'linear'), after: (raw, at) => bybit.parseFrame(raw, at, 'linear'),
    peer: ccxtFills((f, m) => ccxtBybit.parseTrade(f, m), { id: 'BTCUSDT', symbol: 'BTC/USDT:USDT', type: 'swap', spot: false, linear: true }),
  },
  {
    name: 'okx recorded (cryptofeed 2022, gocryptotrader, tardis)',
    frames: [
      // cryptofeed's capture: `<local ts>: <frame>` after a URL line; client messages are `<url> <- ts: …`.
      ...fixtureLines('okx', 'cryptofeed-OKX.ws.1.0-2022-05-13-trades-only.txt').filter((l) => /^\d+\.\d+: /.test(l)).map((l) => l.slice(l.indexOf(': ') + 2)),
      ...fixtureLines('okx', 'gocryptotrader-wsAllTrades-2025-02-24.jsonl'), ...fixtureLines('okx', 'tardis-node-mappers-test-trade-messages.jsonl'),
    ],
    before: (raw, at) => okx.parseFrameFull(raw, at, okxListings), after: (raw, at) => okx.parseFrame(raw, at, okxListings),
  },
  {
    name: 'okx re-encoded Binance capture (trades-all)',
    frames: okxFramesFromBinance(binanceLines),
    before: (raw, at) => okx.parseFrameFull(raw, at, okxListings), after: (raw, at) => okx.parseFrame(raw, at, okxListings),
    peer: ccxtFills((f, m) => ccxtOkx.parseTrade(f, m), { id: 'BTC-USDT', symbol: 'BTC/USDT', type: 'spot', spot: true }),
  },
  {
    name: 'coinbase-intx recorded (nautilus, tardis, doc examples)',
    frames: [
      ...fixtureLines('coinbase-intx', 'nautilus-ws_match.json'), ...fixtureLines('coinbase-intx', 'tardis-node-mappers-test-trade-messages.jsonl'),
      ...fixtureLines('coinbase-intx', 'doc-examples.jsonl'),
    ],
    before: intx.parseFrameFull, after: intx.parseFrame,
  },
  {
    name: 'coinbase-intx re-encoded Binance capture (MATCH)',
    frames: intxFramesFromBinance(binanceLines),
    before: intx.parseFrameFull, after: intx.parseFrame,
    // A MATCH message is one fill: ccxt pro's websocket parser takes the message itself.
    peer: (raw) => (ccxtIntx.parseWsTrade(JSON.parse(raw) as object, intxPerp) ? 1 : 0),
  },
  {
    name: 'hotbit recorded (documentation examples, 2 deals.update)',
    frames: fixtureLines('hotbit', 'doc-examples.jsonl'),
    before: hotbit.parseFrameFull, after: hotbit.parseFrame,
  },
  {
    name: 'hotbit re-encoded Binance capture (deals.update)',
    frames: hotbitFramesFromBinance(binanceLines),
    before: hotbit.parseFrameFull, after: hotbit.parseFrame,
  },
];

const reader = (map: Mapper): Reader => (raw) => {
  const result = map(raw, received);
  return result.type === 'trades' ? result.trades.length : 0;
};

/** `FRAMES` frames through `read` (the list played over and over); CPU µs per frame and the trades read. */
function cpuPerFrame(frames: readonly string[], read: Reader): { usPerFrame: number; trades: number } {
  let trades = 0;
  const cpu = process.cpuUsage();
  for (let k = 0; k < FRAMES; k++) trades += read(frames[k % frames.length]!);
  const used = process.cpuUsage(cpu);
  return { usPerFrame: (used.user + used.system) / FRAMES, trades };
}

/** JSON.parse alone, what every mapper here pays first: the floor of a reader that parses. */
const parseOnly: Reader = (raw) => {
  try {
    JSON.parse(raw);
  } catch {
    // counted as read all the same
  }
  return 0;
};

function compare(c: Case): void {
  const best = { before: Number.POSITIVE_INFINITY, after: Number.POSITIVE_INFINITY, parse: Number.POSITIVE_INFINITY, peer: Number.POSITIVE_INFINITY };
  let trades = { before: 0, after: 0, peer: 0 };
  const [before, after] = [reader(c.before), reader(c.after)];
  cpuPerFrame(c.frames, before);
  cpuPerFrame(c.frames, after);
  if (c.peer) cpuPerFrame(c.frames, c.peer);
  for (let run = 0; run < RUNS; run++) {
    const b = cpuPerFrame(c.frames, before);
    const a = cpuPerFrame(c.frames, after);
    const p = c.peer ? cpuPerFrame(c.frames, c.peer) : null;
    best.before = Math.min(best.before, b.usPerFrame);
    best.after = Math.min(best.after, a.usPerFrame);
    if (p) best.peer = Math.min(best.peer, p.usPerFrame);
    best.parse = Math.min(best.parse, cpuPerFrame(c.frames, parseOnly).usPerFrame);
    trades = { before: b.trades, after: a.trades, peer: p?.trades ?? a.trades };
  }
  if (trades.before !== trades.after) throw new Error(`${c.name}: ${trades.before} trades before, ${trades.after} after`);
  if (trades.peer !== trades.after) throw new Error(`${c.name}: ccxt read ${trades.peer} trades, exgate ${trades.after}`);
  const perFrame = (trades.after / FRAMES).toFixed(2);
  const us = (n: number) => `${n.toFixed(2).padStart(7)} µs`;
  const peer = c.peer ? `${us(best.peer)} ${(best.after / best.peer).toFixed(2).padStart(5)}×` : `${'—'.padStart(10)} ${''.padStart(6)}`;
  console.log(`  ${c.name.padEnd(56)} ${us(best.before)} ${us(best.after)} ${(best.before / best.after).toFixed(2).padStart(6)}×   ${us(best.parse)}   ${peer}   ${perFrame}`);
}

export function runFastFramesBench(): void {
  const cpus = os.cpus();
  console.log('Trade frames: CPU µs per frame, full mapper (JSON.parse + zod) before, with the fast path after');
  console.log(`machine: ${cpus[0]?.model ?? 'unknown cpu'}, ${cpus.length} cores, node ${process.version}; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`${FRAMES.toLocaleString('en-US')} frames a run, best of ${RUNS}, runs alternating\n`);
  console.log(`  ${'input'.padEnd(56)} ${'before'.padStart(10)} ${'after'.padStart(10)} ${'speed-up'.padStart(7)}  ${'JSON.parse'.padStart(10)}   ${'ccxt'.padStart(10)} ${'after/ccxt'.padStart(6)}   trades/frame`);
  for (const c of cases) compare(c);
  console.log(`\nload at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

if (require.main === module) runFastFramesBench();
