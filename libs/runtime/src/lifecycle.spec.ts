import { spawn } from 'node:child_process';
import path from 'node:path';

interface Outcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly lines: ReadonlyArray<Record<string, unknown>>;
}

/**
 * Runs testing/shutdown-child.ts and sends it `first` once it is ready, then `second` (if any)
 * once it has logged that it is shutting down: the second signal then meets a process already
 * stopping, as when a terminal or a process-group kill and a parent (npm, tsx) relaying the signal
 * both deliver it. (Sent back to back, the kernel may merge two pending signals into one.)
 */
function runChild(first: NodeJS.Signals, second?: NodeJS.Signals): Promise<Outcome> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'testing', 'shutdown-child.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let sent = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (sent === 0 && out.includes('ready\n')) {
      sent = 1;
      child.kill(first);
    }
    if (sent === 1 && second && out.includes('"msg":"shutting down"')) {
      sent = 2;
      child.kill(second);
    }
  });
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code, signal, lines });
    });
  });
}

const summary = (o: Outcome) => ({ code: o.code, signal: o.signal, log: o.lines.map((l) => [l.msg, l.signal ?? l.step]) });

describe('onShutdown', () => {
  it('runs every stop step and exits 0 on SIGTERM', async () => {
    expect(summary(await runChild('SIGTERM'))).toEqual({ code: 0, signal: null, log: [['shutting down', 'SIGTERM'], ['stopped', 'slow']] });
  });

  it('finishes its stop steps when the signal comes again while it is stopping', async () => {
    expect(summary(await runChild('SIGTERM', 'SIGTERM'))).toEqual({
      code: 0, signal: null, log: [['shutting down', 'SIGTERM'], ['already shutting down', 'SIGTERM'], ['stopped', 'slow']],
    });
  });

  it('and when Ctrl-C follows a SIGTERM', async () => {
    expect(summary(await runChild('SIGTERM', 'SIGINT'))).toEqual({
      code: 0, signal: null, log: [['shutting down', 'SIGTERM'], ['already shutting down', 'SIGINT'], ['stopped', 'slow']],
    });
  });
});
