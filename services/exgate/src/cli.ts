import { errorMessage } from '@exgate/errors';
import { systemClock } from '@exgate/runtime';
import { runCli } from './cli/run';

// `exgate candles … | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, nowMs: () => systemClock.nowMs() }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`exgate: ${errorMessage(e)}\n`);
    process.exitCode = 1;
  },
);
