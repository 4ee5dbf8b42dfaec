import { parseArgs } from 'node:util';
import { errorMessage } from '@exgate/errors';
import { createLogger, MetricsRegistry, onShutdown, parseConfig, processMetrics } from '@exgate/runtime';
import { EXCHANGES, resolveExchange } from '@exgate/exchanges';
import { COMMON_PREFIXES } from '@exgate/platform';
import { startHelp } from './cli/help';
import { embeddedEnv, startEmbedded, type ReplayOptions } from './embedded';

/** `npm start [-- --replay FILE [--exchange ID] [--speed N|max]]`: exgate in one process. */
async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      options: {
        replay: { type: 'string' }, exchange: { type: 'string', default: 'binance-usdm' },
        speed: { type: 'string', default: '1' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    return usage(errorMessage(e));
  }
  if (values.help) {
    process.stdout.write(`${startHelp}\n`);
    return;
  }
  let replay: ReplayOptions | undefined;
  if (values.replay) {
    const speed = values.speed === 'max' ? 'max' : Number(values.speed);
    if (speed !== 'max' && !(speed > 0)) return usage('--speed takes a positive number or max');
    if (!resolveExchange(values.exchange)) return usage(`--exchange: unknown exchange ${values.exchange}; known: ${EXCHANGES.map((m) => m.info.id).join(', ')}`);
    replay = { file: values.replay, exchange: values.exchange, speed };
  }
  const defaults = { EXGATE_BUS: 'memory', EXGATE_STORE: 'chdb' };
  const config = parseConfig(embeddedEnv, { ...defaults, ...process.env }, [...COMMON_PREFIXES, 'API_', 'AGGREGATOR_']);
  const logger = createLogger({ name: 'exgate', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const metrics = new MetricsRegistry();
  processMetrics(metrics);
  const exgate = await startEmbedded({ config, replay, logger, metrics });
  onShutdown(logger, [['exgate', () => exgate.close()]]);
  const url = `http://127.0.0.1:${exgate.port}`;
  logger.info({ url, chart: `${url}/`, dataDir: config.EXGATE_DATA_DIR }, 'exgate is serving (embedded mode)');
}

/** Exit code 2, as the CLI's: the command line was wrong and nothing started. */
function usage(problem: string): void {
  process.stderr.write(`exgate: ${problem}\n\n${startHelp}\n`);
  process.exitCode = 2;
}

main().catch((e: unknown) => {
  process.stderr.write(`exgate: ${errorMessage(e)}\n`);
  process.exit(1);
});
