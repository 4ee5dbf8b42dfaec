import { createLogger, type LogFormat } from '../logger';

/** Two log lines, as a service writes them: for logger.spec.ts to run behind a terminal or a pipe. */
const format = (process.argv[2] ?? 'auto') as LogFormat | 'auto';
const logger = createLogger({ name: 'exgate', format });
logger.info({ url: 'http://127.0.0.1:8080' }, 'exgate is serving');
logger.child({ component: 'collector' }).warn({ symbol: 'BTCUSDT' }, 'reconnecting');
logger.flush();
