import { fork } from 'node:child_process';
import path from 'node:path';
import { ExgateError } from '@exgate/errors';
import type { ExchangeSimulator } from '@exgate/exchanges';
import type { FromSimulator, ReplaySimulatorStart, ToSimulator } from './protocol';

/**
 * A replay's exchange simulator in a process of its own, as the real exchange is on machines of
 * its own: reading, parsing and serving the recording (a million frames) then take neither the
 * event loop nor the heap of the process it feeds, and run on another core (ADR 0019). The
 * process reads the file itself, and ends with the one that started it. Same interface as a
 * simulator started in this process, plus the process id.
 *
 * A simulator process that dies after its start is an exchange gone away: the collector sees its
 * sockets close, and `drained()` (pending or later) rejects with the exit code, so that whoever
 * waits for the recording to play out hears why it never will. After `close()` it stays pending.
 */
export function startSimulatorProcess(data: ReplaySimulatorStart): Promise<ExchangeSimulator & { readonly pid: number }> {
  // From source (npm start runs tsx, jest runs TypeScript) the child needs tsx's loader; compiled, it is plain JavaScript.
  const extension = path.extname(__filename);
  const child = fork(path.join(__dirname, `simulator-process${extension}`), [JSON.stringify(data)], {
    execArgv: extension === '.ts' ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { readonly done: () => void; readonly fail: (e: Error) => void }>();
  let nextId = 0;
  let exited: Promise<void> | null = null;
  let gone: Error | null = null;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const send = (m: ToSimulator) => {
    if (child.connected) child.send(m);
  };

  return new Promise((resolve, reject) => {
    const failed = (message: string) => {
      reject(new ExgateError('CONFIG_INVALID', `the replay's ${data.exchange} simulator did not start: ${message}`));
      child.kill();
    };
    child.on('error', (e) => failed(e.message));
    void exit.then(() => {
      const code = `code ${child.exitCode ?? child.signalCode}`;
      failed(`its process exited (${code})`); // no-op once started
      if (exited) return;
      gone = new ExgateError('EXCHANGE_UNAVAILABLE', `the replay's ${data.exchange} simulator process exited (${code}) before the recording was played out`);
      for (const w of waiting.values()) w.fail(gone);
      waiting.clear();
    });
    child.on('message', (m: FromSimulator) => {
      switch (m.type) {
        case 'failed':
          return failed(m.message);
        case 'drained':
          waiting.get(m.id)?.done();
          waiting.delete(m.id);
          return;
        case 'ready':
          resolve({
            pid: child.pid ?? 0, wsBaseUrl: m.wsBaseUrl, restBaseUrl: m.restBaseUrl, symbols: m.symbols, printCount: m.printCount,
            ...(m.credentials ? { credentials: m.credentials } : {}),
            drained: (symbols) => new Promise<void>((done, fail) => {
              if (gone) return fail(gone);
              const id = nextId++;
              waiting.set(id, { done, fail });
              send({ type: 'drained', id, ...(symbols ? { symbols: [...symbols] } : {}) });
            }),
            close: () => {
              exited ??= (async () => {
                send({ type: 'close' });
                await exit;
              })();
              return exited;
            },
          });
      }
    });
  });
}
