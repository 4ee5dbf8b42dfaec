import { INTERVALS } from '@exgate/domain';
import { EXCHANGES } from '@exgate/exchanges';

/**
 * What a person reads from `exgate --help`, `exgate <command> --help` and `npm start -- --help`.
 * Plain text, under 100 columns, the same on any terminal; tests hold the wording.
 */

export interface CommandHelp {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  readonly usage: string;
}

/** `binance-usdm (alias fbinance), …`: from the registry, so a new exchange shows up by itself. */
export function exchangeNames(): string {
  return exchangeEntries().join(', ');
}

function exchangeEntries(): string[] {
  return EXCHANGES.map((m) => (m.info.aliases.length > 0 ? `${m.info.id} (alias ${m.info.aliases.join(', ')})` : m.info.id));
}

/** exchangeNames, wrapped under 100 columns with continuation lines indented to `column`. */
function wrappedExchangeNames(column: number): string {
  const lines: string[] = [];
  let line = '';
  for (const [i, entry] of exchangeEntries().entries()) {
    const piece = i < EXCHANGES.length - 1 ? `${entry},` : entry;
    if (line !== '' && column + line.length + 1 + piece.length > 100) {
      lines.push(line);
      line = piece;
    } else line = line === '' ? piece : `${line} ${piece}`;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(column)}`);
}

export const candlesHelp: CommandHelp = {
  name: 'candles',
  summary: 'build klines from a file of recorded websocket frames (CSV or JSON on stdout)',
  usage: `usage: exgate candles --exchange ID --input FILE --interval INTERVAL [options]

Reads JSON lines of websocket frames (trade or aggTrade streams, with or without the
combined-stream wrapper) and writes klines to stdout. A JSON summary goes to stderr.

options:
  --exchange ID              ${wrappedExchangeNames(29)}
  --input FILE               the recorded frames, one per line
  --interval INTERVAL        ${INTERVALS.join(' ')}
  --format csv|json          csv: Binance's 12 kline columns with a header line (default);
                             json: exgate kline objects
  --timezone OFFSET          lay the candles out on that offset's clock: +08:00, -1:00, UTC
                             (default: the exchange's own, UTC on Binance)
  --reorder-window-ms N      how far back a print may trail later ones and still count in its
                             own bucket (default 60000)
  --progress auto|always|never
                             progress on stderr. auto (default): for files of 16 MiB or more, a
                             bar with rate and ETA on a terminal, a line every 10% otherwise
  -h, --help                 show this help

exit codes: 0 done, 1 failed (an unreadable file), 2 bad usage (nothing was read)`,
};

export const backfillHelp: CommandHelp = {
  name: 'backfill',
  summary: "download a symbol's trade history by id and store it with its candles",
  usage: `usage: exgate backfill --exchange ID --symbol SYMBOL --from DATE [--to DATE] [options]

Fetches the prints of [from, to] from the exchange's REST by trade id, within its rate limits,
and stores them with their candles of every interval, built as live collection builds them.
Resumable: run it again and it goes on after the last print stored. It fills history before
what the store holds; stop \`npm start\` first when it uses the same data folder.

options:
  --exchange ID              an exchange that serves history by id: ${EXCHANGES.filter((m) => m.info.capabilities.backfill === 'by-id').map((m) => m.info.id).join(', ')}
  --symbol SYMBOL            in the exchange's spelling, e.g. BTCUSDT
  --from DATE                2024-07-18, 2024-07-18T23:00:00Z or ms since the epoch (UTC)
  --to DATE                  the same forms (default: now)
  --progress auto|always|never
                             progress on stderr: a bar with rate and ETA on a terminal, a line
                             every 10% otherwise (auto, the default: both, as stderr is)
  -h, --help                 show this help

environment: EXGATE_STORE (chdb by default here), EXGATE_DATA_DIR (.data), CLICKHOUSE_* for a
server, and the exchange's own settings (<P>REST_URL, <P>STREAM, its key): docs/configuration.md.

exit codes: 0 done, 1 failed (the exchange or the store), 2 bad usage (nothing was fetched)`,
};

/** Every command of `exgate`, in the order `exgate --help` lists them. */
export const COMMANDS: readonly CommandHelp[] = [candlesHelp, backfillHelp];

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `usage: exgate <command> [options]
       npm run -s exgate -- <command> [options]

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}   ${c.summary}`).join('\n')}

Run \`exgate <command> --help\` for a command's options.
The server is \`npm start\` (\`npm start -- --help\`); the API is described in docs/api.md.`;
}

export const startHelp = `usage: npm start [-- --replay FILE [--exchange ID] [--speed N|max]]

Runs exgate embedded: the collector, aggregator, scheduler and API in one process, with an
in-memory bus and the in-process ClickHouse engine. Once it serves, the chart is at
http://127.0.0.1:8080/ and the API under /v1 (docs/api.md).

options:
  --replay FILE    play recorded websocket frames (JSON lines) through a local simulator of
                   their exchange instead of connecting to it; the symbols in the file are pulled
  --exchange ID    whose frames the file holds (default binance-usdm)
  --speed N|max    replay pace: recorded time per wall time (1 real time, 60 a minute per
                   second) or max, as fast as possible (default 1)
  -h, --help       show this help

environment (the most used; all of them: docs/configuration.md):
  API_PORT         where the API and the chart listen (default 8080)
  EXGATE_DATA_DIR  the engine's data and the KV files (default .data)
  EXGATE_PULL      exchange:SYMBOL pairs pulled when nothing is pulled yet
                   (default binance-usdm:BTCUSDT)
  LOG_LEVEL        fatal, error, warn, info (default), debug, trace, silent
  LOG_FORMAT       auto (default: readable lines on a terminal, JSON otherwise), pretty, json`;
