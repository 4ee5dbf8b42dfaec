import { parseArgs } from 'node:util';
import { isInterval, parseTimeZone } from '@exgate/domain';
import { errorMessage } from '@exgate/errors';
import { EXCHANGES, resolveExchange } from '@exgate/exchanges';
import { silentLogger, systemClock } from '@exgate/runtime';
import { runCandles } from './cli/candles';

const USAGE = `usage: exgate candles --exchange binance-usdm --input FILE --interval 1m [--format csv|json] [--timezone +08:00]

  Reads JSON lines of websocket frames (trade or aggTrade streams, with or without the
  combined-stream wrapper) and writes klines to stdout: csv = Binance's 12 columns with a
  header line, json = exgate kline objects. A summary goes to stderr.`;

/** Exit codes: 0 done, 2 bad usage (nothing was read). */
async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'candles') return usage(command === undefined ? 'missing command' : `unknown command ${command}`);
  let values;
  try {
    ({ values } = parseArgs({
      args: [...rest],
      strict: true,
      options: {
        exchange: { type: 'string' },
        input: { type: 'string' },
        interval: { type: 'string' },
        format: { type: 'string', default: 'csv' },
        timezone: { type: 'string' },
        'reorder-window-ms': { type: 'string', default: '60000' },
      },
    }));
  } catch (e) {
    return usage(errorMessage(e));
  }
  const module = resolveExchange(values.exchange ?? '');
  if (!module) return usage(`--exchange must be one of ${EXCHANGES.map((m) => [m.info.id, ...m.info.aliases].join('|')).join(', ')}`);
  if (!values.input) return usage('--input FILE is required');
  if (!values.interval || !isInterval(values.interval)) return usage(`--interval must be one of 1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M`);
  if (values.format !== 'csv' && values.format !== 'json') return usage('--format must be csv or json');
  // Without --timezone, candles are laid out as the exchange lays out its own (OKX: UTC+8 days).
  let tzOffsetMs = module.info.candlePolicy.tzOffsetMs;
  try {
    if (values.timezone !== undefined) tzOffsetMs = parseTimeZone(values.timezone);
  } catch (e) {
    return usage(`--timezone: ${errorMessage(e)}`);
  }
  const reorderWindowMs = Number.parseInt(values['reorder-window-ms'], 10);
  if (!Number.isSafeInteger(reorderWindowMs) || reorderWindowMs < 0) return usage('--reorder-window-ms must be a whole number ≥ 0');

  const adapter = module.create({ clock: systemClock, logger: silentLogger() });
  const report = await runCandles(
    { adapter, input: values.input, interval: values.interval, format: values.format, tzOffsetMs, reorderWindowMs, receivedAtMs: systemClock.nowMs() },
    (chunk) => process.stdout.write(chunk),
  );
  process.stderr.write(`${JSON.stringify({ summary: report })}\n`);
  return 0;
}

function usage(problem: string): number {
  process.stderr.write(`exgate: ${problem}\n\n${USAGE}\n`);
  return 2;
}

// `exgate candles … | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`exgate: ${errorMessage(e)}\n`);
    process.exitCode = 1;
  },
);
