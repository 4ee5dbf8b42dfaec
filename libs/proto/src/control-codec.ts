import * as pb from './gen/exgate/v1/bus';
import { decoding, encoding, ident, toWireInt, wireInt } from './checks';

/** A scheduler tick on the bus. */
export interface ScannerTick {
  readonly exchange: string;
  /** The cron expression (or interval) that fired. */
  readonly schedule: string;
  /** When the schedule was due, ms since the epoch. */
  readonly tickTimeMs: number;
  /** Stable id of the schedule entry: consumers deduplicate on (scheduleId, tickTimeMs). */
  readonly scheduleId: string;
}

export function encodeTick(tick: ScannerTick): Uint8Array {
  return encoding('ScannerTick', () =>
    pb.ScannerTick.encode({
      exchange: ident(tick.exchange, 'exchange'),
      schedule: ident(tick.schedule, 'schedule'),
      tickTimeMs: toWireInt(tick.tickTimeMs, 'tickTimeMs'),
      scheduleId: ident(tick.scheduleId, 'scheduleId'),
    }).finish(),
  );
}

export function decodeTick(bytes: Uint8Array): ScannerTick {
  return decoding('ScannerTick', bytes, () => {
    const t = pb.ScannerTick.decode(bytes);
    return {
      exchange: ident(t.exchange, 'exchange'),
      schedule: ident(t.schedule, 'schedule'),
      tickTimeMs: wireInt(t.tickTimeMs, 'tickTimeMs'),
      scheduleId: ident(t.scheduleId, 'scheduleId'),
    };
  });
}
