import pino from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  readonly level?: string;
  readonly name: string;
  /** Tests and the CLI write logs to stderr so stdout stays data. */
  readonly destination?: 1 | 2;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    { name: options.name, level: options.level ?? 'info', base: { service: options.name } },
    pino.destination({ fd: options.destination ?? 1, sync: false }),
  );
}

/** For tests: a logger that writes nothing. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
