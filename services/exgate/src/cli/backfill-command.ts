import { commonEnv, COMMON_PREFIXES, createAdapters, openConfiguredStore } from '@exgate/platform';
import { createLogger, parseConfig, systemClock } from '@exgate/runtime';
import { runBackfill } from '../backfill/backfill';
import { readCommandLine } from './command-line';
import { backfillHelp } from './help';
import { createProgress, duration, type ProgressUnits } from './progress';
import type { CliIo } from './io';

/** `exgate backfill …`: parse and check everything, then download by id into the configured store. */
export async function backfillCommand(args: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const line = readCommandLine(io, backfillHelp.usage, args, { symbol: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } });
  if (typeof line === 'number') return line;
  const { values, module, mode, problem } = line;
  if (module.info.capabilities.backfill !== 'by-id') return problem(`${module.info.id} serves no trade history by id: it cannot be backfilled`);
  const symbol = (values.symbol ?? '').toUpperCase();
  if (!module.info.symbolPattern.test(symbol)) return problem(`--symbol must be a ${module.info.id} symbol (${module.info.symbolPattern.source})`);
  const fromMs = timeOf(values.from);
  if (fromMs === undefined) return problem('--from DATE is required: 2024-07-18, 2024-07-18T23:00:00Z or ms since the epoch');
  const toMs = values.to === undefined ? io.nowMs() : timeOf(values.to);
  if (toMs === undefined) return problem('--to must be a date: 2024-07-18, 2024-07-18T23:00:00Z or ms since the epoch');
  if (toMs < fromMs) return problem('--to is before --from');

  // The store and the exchange's REST as the services configure them (EXGATE_STORE=chdb by default here).
  const config = parseConfig(commonEnv, { EXGATE_STORE: 'chdb', ...env, EXGATE_EXCHANGES: module.info.id }, COMMON_PREFIXES);
  const logger = createLogger({ name: 'exgate-backfill', level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const adapter = createAdapters(config, systemClock, logger).get(module.info.id)!;
  const store = await openConfiguredStore(config);
  const progress = createProgress({ label: `backfill ${symbol}`, totalBytes: toMs - fromMs, units: historyUnits(fromMs), mode, sink: io.stderr, nowMs: io.nowMs, minBytes: 0 });
  try {
    const report = await runBackfill({
      adapter, store, symbol, fromMs, toMs, logger, onProgress: (reachedMs) => progress.update(reachedMs - fromMs),
    });
    progress.finish(toMs - fromMs);
    io.stderr.write(`${JSON.stringify({ summary: { exchange: module.info.id, symbol, fromMs, toMs, ...report } })}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** An ISO date or date-time (UTC unless it says otherwise), or ms since the epoch. */
function timeOf(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\d+$/.test(text)) return Number.parseInt(text, 10);
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Progress in history: how far the download has reached, and how much history it fetches a second. */
function historyUnits(fromMs: number): ProgressUnits {
  return {
    amount: (n) => new Date(fromMs + n).toISOString().slice(0, 16).replace('T', ' '),
    rate: (perSecond) => `${duration(perSecond / 1000)} of history/s`,
  };
}
