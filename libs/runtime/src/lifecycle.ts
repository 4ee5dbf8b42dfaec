import type { Logger } from './logger';

/**
 * Graceful stop: on SIGTERM/SIGINT run the closers in order (stop intake first, then flush and
 * commit, then close connections), each bounded so a stuck dependency cannot hold the pod.
 */
export function onShutdown(
  logger: Logger,
  closers: ReadonlyArray<readonly [name: string, close: () => Promise<void>]>,
  options: { timeoutMs?: number; exit?: (code: number) => void } = {},
): () => Promise<void> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      let code = 0;
      for (const [name, close] of closers) {
        try {
          await withTimeout(close(), timeoutMs, name);
          logger.info({ step: name }, 'stopped');
        } catch (e) {
          code = 1;
          logger.error({ step: name, err: e }, 'stop step failed');
        }
      }
      logger.flush();
      exit(code);
    })();
    return stopping;
  };
  // `on`, not `once`: the same signal often comes twice, from the terminal or a process-group
  // kill and again relayed by a parent (npm, tsx). A second one with no handler left would take
  // Node's default action and end the process in the middle of its flush.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) {
        logger.info({ signal }, 'already shutting down');
        return;
      }
      logger.info({ signal }, 'shutting down');
      void stop();
    });
  }
  return stop;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
