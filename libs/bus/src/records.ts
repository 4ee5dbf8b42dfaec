import { z } from 'zod';
import { streamKey } from '@exgate/domain';
import type { KeyValueStore } from './ports';

/**
 * The JSON records in the KV buckets (`buckets` in ports.ts): the API writes them, the collector
 * and the scheduler follow them. One definition so writer and readers cannot drift apart.
 */

/** `exgate_subscriptions`: one entry per pulled symbol. */
export interface SubscriptionRecord {
  readonly exchange: string;
  readonly symbol: string;
  /** The interval the user asked for when pulling; candles of every interval are built anyway. */
  readonly interval: string;
  readonly sinceMs: number;
}

/** `exgate_schedules`: emit scanner ticks for `exchange` on `schedule` (an interval, `30s`, or cron). */
export interface ScheduleRecord {
  readonly exchange: string;
  readonly schedule: string;
  readonly sinceMs: number;
}

const subscriptionSchema = z.strictObject({
  exchange: z.string().min(1),
  symbol: z.string().min(1),
  interval: z.string().min(1),
  sinceMs: z.number().int().nonnegative(),
});

const scheduleSchema = z.strictObject({
  exchange: z.string().min(1),
  schedule: z.string().min(1),
  sinceMs: z.number().int().nonnegative(),
});

/** A pulled symbol is keyed by its stream's one name (`binance-usdm:BTCUSDT`). */
export const subscriptionKey = (exchange: string, symbol: string): string => streamKey(exchange, symbol);

/**
 * Versions before the exchange plug-ins keyed subscriptions `exchange.SYMBOL`: rewrite them under
 * the stream's name, once, so pulls made then are still followed and can still be stopped.
 */
export async function upgradeSubscriptionKeys(kv: KeyValueStore): Promise<number> {
  let moved = 0;
  for (const [key, value] of await kv.entries()) {
    if (key.includes(':')) continue;
    const record = decodeSubscriptionRecord(value);
    if (!record) continue;
    await kv.put(subscriptionKey(record.exchange, record.symbol), value);
    await kv.delete(key);
    moved++;
  }
  return moved;
}

/** Cron expressions hold spaces and `*`: the key carries them base64url-encoded. */
export const scheduleKey = (exchange: string, schedule: string): string =>
  `${exchange}.${Buffer.from(schedule.trim(), 'utf8').toString('base64url')}`;

export const encodeRecord = (record: SubscriptionRecord | ScheduleRecord): string => JSON.stringify(record);

/** Undefined for a value this version cannot read: the reader logs it and carries on. */
export function decodeSubscriptionRecord(value: string): SubscriptionRecord | undefined {
  return parse(subscriptionSchema, value);
}

export function decodeScheduleRecord(value: string): ScheduleRecord | undefined {
  return parse(scheduleSchema, value);
}

function parse<T>(schema: z.ZodType<T>, value: string): T | undefined {
  try {
    const r = schema.safeParse(JSON.parse(value));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
