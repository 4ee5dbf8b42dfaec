import { stat } from 'node:fs/promises';
import { isInterval, parseTimeZone } from '@exgate/domain';
import { errorMessage } from '@exgate/errors';
import { silentLogger, systemClock } from '@exgate/runtime';
import { runCandles } from './candles';
import { readCommandLine } from './command-line';
import { candlesHelp } from './help';
import { createProgress } from './progress';
import type { CliIo } from './io';

/** `exgate candles …`: parse, check everything before reading, then stream the file. */
export async function candlesCommand(args: readonly string[], io: CliIo): Promise<number> {
  const line = readCommandLine(io, candlesHelp.usage, args, {
    input: { type: 'string' },
    interval: { type: 'string' },
    format: { type: 'string', default: 'csv' },
    timezone: { type: 'string' },
    'reorder-window-ms': { type: 'string', default: '60000' },
  });
  if (typeof line === 'number') return line;
  const { values, module, mode, problem } = line;
  if (!values.input) return problem('--input FILE is required');
  if (!values.interval || !isInterval(values.interval)) return problem('--interval must be one of 1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M');
  if (values.format !== 'csv' && values.format !== 'json') return problem('--format must be csv or json');
  // Without --timezone, candles are laid out as the exchange lays out its own (OKX: UTC+8 days).
  let tzOffsetMs = module.info.candlePolicy.tzOffsetMs;
  try {
    if (values.timezone !== undefined) tzOffsetMs = parseTimeZone(values.timezone);
  } catch (e) {
    return problem(`--timezone: ${errorMessage(e)}`);
  }
  const reorderWindowMs = Number.parseInt(values['reorder-window-ms'], 10);
  if (!Number.isSafeInteger(reorderWindowMs) || reorderWindowMs < 0) return problem('--reorder-window-ms must be a whole number ≥ 0');

  const totalBytes = (await stat(values.input)).size;
  const progress = createProgress({ label: 'candles', totalBytes, mode, sink: io.stderr, nowMs: io.nowMs });
  const adapter = module.create({ clock: systemClock, logger: silentLogger() });
  const report = await runCandles(
    {
      adapter, input: values.input, interval: values.interval, format: values.format, tzOffsetMs, reorderWindowMs,
      receivedAtMs: systemClock.nowMs(), onProgress: (bytesRead) => progress.update(bytesRead),
    },
    (chunk) => io.stdout.write(chunk),
  );
  progress.finish(totalBytes);
  io.stderr.write(`${JSON.stringify({ summary: report })}\n`);
  return 0;
}
