/**
 * npm run bench -- series — many series in one collector and one aggregator (issue 9 part 4).
 *
 * 500 synthetic symbols (stretches of the recorded Binance prints, renamed) dealt over Binance
 * USDⓈ-M, Bybit and HotBit, each exchange on its simulator playing as fast as sockets take it;
 * the collector and the aggregator as processes (their main.ts, configured as pods are), through
 * the real Kafka and NATS, into the embedded ClickHouse engine. Measured from the services' own
 * /metrics: prints/s, heap and resident memory per series, the longest event-loop delay per phase.
 * The peer, in the same run: the same number of prints on three series (one symbol per exchange).
 *   --symbols N   series of the main run (default 500)
 *   --prints N    prints per symbol (default 200)
 *   --quick       50 symbols
 *   --tsx         the services through tsx (default: compiled by `npm run build`, as the image runs them)
 */
import os from 'node:os';
import path from 'node:path';
import { createManyRun } from '../faults/harness/many';
import { describeSeries, measureSeries, type SeriesFigures } from '../faults/harness/measure';
import { prepareServices, servicesCompiled } from './build';
import { ensureBus } from './bus';

const EXCHANGES = ['binance-usdm', 'bybit', 'hotbit'];
/** The aggregator's default: every interval. */
const INTERVALS = 16;
const STALL_BOUND_MS = 50;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} takes a positive integer`);
  return value;
}

async function measure(symbols: number, printsPerSymbol: number, compiled: boolean): Promise<{ figures: SeriesFigures; stored: string }> {
  const run = await createManyRun({
    exchanges: EXCHANGES, symbols, printsPerSymbol, pace: 'asap', compiled,
    brokers: process.env.KAFKA_BROKERS!.split(','), root: path.join(os.tmpdir(), 'exgate-bench-series'),
  });
  let ok = false;
  try {
    const figures = await measureSeries(run, { timeoutMs: 600_000, idleMs: 5_000 });
    const store = await run.openStore();
    const rows = await store.driver.query<{ exchange: string; ids: string }>(
      `SELECT exchange, uniqExact(symbol, id) AS ids FROM ${store.database}.trades GROUP BY exchange ORDER BY exchange`,
    );
    let whole = true;
    const stored = run.exchanges.map((x) => {
      const got = Number(rows.find((r) => r.exchange === x.exchange.id)?.ids ?? 0);
      whole &&= got === x.expected();
      return `${x.exchange.id} ${got.toLocaleString('en-US')} of ${x.expected().toLocaleString('en-US')}${got === x.expected() ? '' : ' (DIFFERENT)'}`;
    }).join(', ');
    // A run whose store is not whole keeps its folder (logs, engine data) to be looked at.
    ok = whole;
    if (!whole) process.exitCode = 1;
    return { figures, stored };
  } finally {
    await run.close(!ok);
  }
}

export async function runSeriesBench(quick: boolean): Promise<void> {
  ensureBus();
  const symbols = quick ? 50 : option('symbols', 500);
  const printsPerSymbol = option('prints', 200);
  const cpus = os.cpus();
  console.log('exgate many series: one collector and one aggregator, each a process, through Kafka');
  console.log(`machine: ${cpus[0]?.model ?? 'unknown cpu'}, ${cpus.length} cores, node ${process.version}; `
    + `load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (other processes share these cores)`);
  console.log(`input: ${symbols} symbols × ${printsPerSymbol} recorded prints over ${EXCHANGES.join(', ')}; `
    + `peer: the same prints on 3 symbols (one per exchange); aggregator intervals: all ${INTERVALS}\n`);

  const compiled = servicesCompiled();
  prepareServices(compiled);
  const peer = await measure(EXCHANGES.length, Math.ceil((symbols * printsPerSymbol) / EXCHANGES.length), compiled);
  console.log(`peer (${EXCHANGES.length} series):\n  ${describeSeries(peer.figures, INTERVALS).join('\n  ')}\n  stored (distinct ids): ${peer.stored}\n`);
  const many = await measure(symbols, printsPerSymbol, compiled);
  console.log(`${symbols} series:\n  ${describeSeries(many.figures, INTERVALS).join('\n  ')}\n  stored (distinct ids): ${many.stored}\n`);

  const rate = (f: SeriesFigures) => f.prints / f.aggregatorMs;
  console.log(`throughput: ${symbols} series at ${(rate(many.figures) / rate(peer.figures)).toFixed(2)}× the prints/s of 3 series`);
  const stalls = [...many.figures.loop].filter(([phase]) => phase !== 'start').flatMap(([phase, byService]) => [...byService]
    .filter(([, d]) => d.maxMs > STALL_BOUND_MS).map(([s, d]) => `${s} ${d.maxMs.toFixed(0)} ms (${phase})`));
  console.log(`event-loop stalls over ${STALL_BOUND_MS} ms with ${symbols} series: ${stalls.length === 0 ? 'none' : stalls.join(', ')}`);
  console.log('(delays include the monitor\'s 10 ms resolution; the "start" phase is module loading and opening the store)');
}
