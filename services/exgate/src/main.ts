import { parseArgs } from 'node:util';
import { errorMessage } from '@exgate/errors';
import { createLogger, MetricsRegistry, onShutdown, parseConfig } from '@exgate/runtime';
import { EXCHANGES, resolveExchange } from '@exgate/exchanges';
import { COMMON_PREFIXES } from '@exgate/platform';
import { embeddedEnv, startEmbedded, type ReplayOptions } from './embedded';

/** `npm start [-- --replay FILE [--exchange ID] [--speed N|max]]`: exgate in one process. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: { replay: { type: 'string' }, exchange: { type: 'string', default: 'binance-usdm' }, speed: { type: 'string', default: '1' } },
  });
  const defaults = { EXGATE_BUS: 'memory', EXGATE_STORE: 'chdb' };
  const config = parseConfig(embeddedEnv, { ...defaults, ...process.env }, [...COMMON_PREFIXES, 'API_', 'AGGREGATOR_']);
  const logger = createLogger({ name: 'exgate', level: config.LOG_LEVEL });
  let replay: ReplayOptions | undefined;
  if (values.replay) {
    const speed = values.speed === 'max' ? 'max' : Number(values.speed);
    if (speed !== 'max' && !(speed > 0)) throw new Error('--speed takes a positive number or max');
    if (!resolveExchange(values.exchange)) throw new Error(`--exchange: unknown exchange ${values.exchange}; known: ${EXCHANGES.map((m) => m.info.id).join(', ')}`);
    replay = { file: values.replay, exchange: values.exchange, speed };
  }
  const metrics = new MetricsRegistry();
  const exgate = await startEmbedded({ config, replay, logger, metrics });
  onShutdown(logger, [['exgate', () => exgate.close()]]);
  logger.info({ url: `http://127.0.0.1:${exgate.port}`, dataDir: config.EXGATE_DATA_DIR }, 'exgate is serving (embedded mode)');
}

main().catch((e: unknown) => {
  process.stderr.write(`exgate: ${errorMessage(e)}\n`);
  process.exit(1);
});
