/**
 * npm run bench -- frames (or npx tsx bench/fast-frames.ts) — CPU time per frame of each
 * exchange's mapper with its fast path (after) beside its full mapper, JSON.parse and zod (before),
 * in the same process, runs alternating, on the exchange's recorded frames (each file's lines
 * played over and over up to ~200,000 frames) and on the real Binance capture re-encoded in the
 * exchange's shape. Best of 5 after a warm-up each; CPU time (user + system) of this process: the
 * machine is shared, so give the load average with any figure.
 */
import os from 'node:os';
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

interface Case {
  readonly name: string;
  readonly frames: readonly string[];
  readonly before: Mapper;
  readonly after: Mapper;
}

const binanceLines = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl');
const received = Date.now();
/** As REST would describe them: an epoch, and a contract value for swaps. */
const okxListings: Listings = (instId) => (isSwap(instId) ? { epoch: 2756, ctVal: '0.01' } : { epoch: 2756 });

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

/** `FRAMES` frames through `map` (the list played over and over); CPU µs per frame and the trades read. */
function cpuPerFrame(frames: readonly string[], map: Mapper): { usPerFrame: number; trades: number } {
  let trades = 0;
  const cpu = process.cpuUsage();
  for (let k = 0; k < FRAMES; k++) {
    const result = map(frames[k % frames.length]!, received);
    if (result.type === 'trades') trades += result.trades.length;
  }
  const used = process.cpuUsage(cpu);
  return { usPerFrame: (used.user + used.system) / FRAMES, trades };
}

/** JSON.parse alone, what every mapper here pays first: the floor of a reader that parses. */
const parseOnly: Mapper = (raw) => {
  try {
    JSON.parse(raw);
  } catch {
    // counted as read all the same
  }
  return { type: 'control', detail: '' };
};

function compare(c: Case): void {
  const best = { before: Number.POSITIVE_INFINITY, after: Number.POSITIVE_INFINITY, parse: Number.POSITIVE_INFINITY };
  let trades = { before: 0, after: 0 };
  cpuPerFrame(c.frames, c.before);
  cpuPerFrame(c.frames, c.after);
  for (let run = 0; run < RUNS; run++) {
    const before = cpuPerFrame(c.frames, c.before);
    const after = cpuPerFrame(c.frames, c.after);
    best.before = Math.min(best.before, before.usPerFrame);
    best.after = Math.min(best.after, after.usPerFrame);
    best.parse = Math.min(best.parse, cpuPerFrame(c.frames, parseOnly).usPerFrame);
    trades = { before: before.trades, after: after.trades };
  }
  if (trades.before !== trades.after) throw new Error(`${c.name}: ${trades.before} trades before, ${trades.after} after`);
  const perFrame = (trades.after / FRAMES).toFixed(2);
  const us = (n: number) => `${n.toFixed(2).padStart(7)} µs`;
  console.log(`  ${c.name.padEnd(56)} ${us(best.before)} ${us(best.after)} ${(best.before / best.after).toFixed(2).padStart(6)}×   ${us(best.parse)}   ${perFrame}`);
}

export function runFastFramesBench(): void {
  const cpus = os.cpus();
  console.log('Trade frames: CPU µs per frame, full mapper (JSON.parse + zod) before, with the fast path after');
  console.log(`machine: ${cpus[0]?.model ?? 'unknown cpu'}, ${cpus.length} cores, node ${process.version}; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`${FRAMES.toLocaleString('en-US')} frames a run, best of ${RUNS}, runs alternating\n`);
  console.log(`  ${'input'.padEnd(56)} ${'before'.padStart(10)} ${'after'.padStart(10)} ${'speed-up'.padStart(7)}  ${'JSON.parse'.padStart(10)}   trades/frame`);
  for (const c of cases) compare(c);
  console.log(`\nload at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

if (require.main === module) runFastFramesBench();
