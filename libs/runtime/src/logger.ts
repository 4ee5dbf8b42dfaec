import { createRequire } from 'node:module';
import { isatty } from 'node:tty';
import pino from 'pino';
import type PinoPretty from 'pino-pretty';

export type Logger = pino.Logger;

/** `pretty`: one coloured line per event for a person; `json`: one JSON object per line for machines. */
export type LogFormat = 'pretty' | 'json';

export interface LoggerOptions {
  readonly level?: string;
  readonly name: string;
  /** Tests and the CLI write logs to stderr so stdout stays data. */
  readonly destination?: 1 | 2;
  /** `auto` (the default): pretty when the destination is a terminal, JSON otherwise. */
  readonly format?: LogFormat | 'auto';
}

/** A terminal gets lines a person reads; a pipe, a file or a log collector gets JSON. */
export function logFormatFor(requested: LogFormat | 'auto', destination: { readonly isTTY?: boolean }): LogFormat {
  if (requested !== 'auto') return requested;
  return destination.isTTY === true ? 'pretty' : 'json';
}

export function createLogger(options: LoggerOptions): Logger {
  const fd = options.destination ?? 1;
  const settings = { name: options.name, level: options.level ?? 'info', base: { service: options.name } };
  if (logFormatFor(options.format ?? 'auto', { isTTY: isatty(fd) }) === 'json') {
    return pino(settings, pino.destination({ fd, sync: false }));
  }
  // In this thread and synchronous: a terminal is slow enough that order and the last lines
  // before an exit matter more than throughput. The service name is the logger's `name` already.
  return pino(settings, loadPretty()({
    destination: fd, sync: true, colorize: isatty(fd), singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service,name,component',
    messageFormat: '{if component}{component}: {end}{msg}',
  }));
}

/**
 * pino-pretty and its dependencies, loaded only for a terminal: every service and `exgate candles`
 * import this module, and loading them cost more start-up than pino itself (ADR 0019).
 */
function loadPretty(): typeof PinoPretty {
  return createRequire(__filename)('pino-pretty') as typeof PinoPretty;
}

/** For tests: a logger that writes nothing. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
