import { Kafka, logLevel, type LogEntry, type RetryOptions } from 'kafkajs';
import { ExgateError, errorMessage, isExgateError } from '@exgate/errors';
import type { Logger } from '@exgate/runtime';

export interface KafkaOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger: Logger;
  /** kafkajs's own retries of retriable errors, before a call fails with BUS_UNAVAILABLE. */
  readonly retry?: RetryOptions;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

/**
 * Bounded retries (about 20 s in all): long enough to ride out a broker restart or a leader
 * election, short enough that a caller learns the bus is down and can say so.
 */
export const DEFAULT_RETRY: RetryOptions = { initialRetryTime: 200, maxRetryTime: 3000, retries: 10, factor: 0.2, multiplier: 2 };

export function createKafka(options: KafkaOptions): Kafka {
  const log = options.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: options.retry ?? DEFAULT_RETRY,
    logLevel: logLevel.INFO,
    logCreator: () => (entry: LogEntry) => writeKafkaLog(log, entry),
  });
}

/** kafkajs's log lines, as pino records (its label becomes `msg`, the rest structured fields). */
function writeKafkaLog(log: Logger, entry: LogEntry): void {
  const { message, timestamp: _timestamp, logger: _logger, ...fields } = entry.log;
  const record = { namespace: entry.namespace, ...fields };
  // Bounded retries are deliberate (see KeyedKafkaWriter): not worth a warning per producer.
  const level = message.startsWith('Limiting retries for the idempotent producer') ? logLevel.DEBUG : entry.level;
  switch (level) {
    case logLevel.ERROR:
      log.error(record, message);
      break;
    case logLevel.WARN:
      log.warn(record, message);
      break;
    case logLevel.INFO:
      log.info(record, message);
      break;
    default:
      log.debug(record, message);
  }
}

interface KafkaJsErrorShape {
  name?: string;
  retriable?: boolean;
  type?: string;
  cause?: unknown;
}

/**
 * A kafkajs failure as our error. kafkajs has already retried what it deems retriable; we keep
 * `retriable` true for anything that smells of the broker being away (connection, timeouts,
 * exhausted retries of retriable errors) and false for requests the broker rejects on their merits.
 */
export function kafkaError(what: string, e: unknown): ExgateError {
  if (isExgateError(e)) return e;
  const err = (e ?? {}) as KafkaJsErrorShape;
  const root = rootCause(err);
  const retriable =
    err.retriable === true ||
    root.retriable === true ||
    /Connection|Timeout|NoBrokerAvailable|BrokerNotFound|NumberOfRetriesExceeded|MetadataNotLoaded/.test(
      `${err.name ?? ''} ${root.name ?? ''}`,
    );
  return new ExgateError('BUS_UNAVAILABLE', `${what}: ${errorMessage(e)}`, {
    cause: e,
    retriable,
    details: { kafkaError: err.name, kafkaType: root.type ?? err.type },
  });
}

function rootCause(err: KafkaJsErrorShape): KafkaJsErrorShape {
  let current = err;
  for (let i = 0; i < 5 && current.cause && typeof current.cause === 'object'; i++) {
    current = current.cause as KafkaJsErrorShape;
  }
  return current;
}
