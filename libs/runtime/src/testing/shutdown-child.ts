// A process with one slow stop step, for lifecycle.spec.ts: it says "ready" once its handlers are in.
import { createLogger } from '../logger';
import { onShutdown } from '../lifecycle';

const logger = createLogger({ name: 'shutdown-child' });
onShutdown(logger, [['slow', () => new Promise((resolve) => setTimeout(resolve, 300))]]);
setInterval(() => undefined, 1_000); // stays up until a signal
process.stdout.write('ready\n');
