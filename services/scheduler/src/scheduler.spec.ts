import { encodeRecord, MemoryEventBus, MemoryKeyValueStore, scheduleKey, subjects } from '@exgate/bus';
import { decodeTick, type ScannerTick } from '@exgate/proto';
import pino from 'pino';
import { ManualClock, MetricsRegistry, silentLogger, type Logger } from '@exgate/runtime';
import type { Leadership } from './leadership';
import { soleLeader } from './leadership';
import { createScheduler } from './scheduler';

const at = (iso: string) => Date.parse(iso);

async function setup(leadership: Leadership = soleLeader, logger: Logger = silentLogger()) {
  const clock = new ManualClock(at('2024-07-19T00:00:10Z'));
  const schedules = new MemoryKeyValueStore();
  const events = new MemoryEventBus();
  const ticks: ScannerTick[] = [];
  events.subscribe(subjects.allTicks, (payload) => ticks.push(decodeTick(payload)));
  const scheduler = createScheduler({
    schedules, events, leadership, clock, logger, metrics: new MetricsRegistry(), pollIntervalMs: 60_000,
  });
  await scheduler.start();
  return { clock, schedules, ticks, scheduler };
}

const put = (kv: MemoryKeyValueStore, exchange: string, schedule: string) =>
  kv.put(scheduleKey(exchange, schedule), encodeRecord({ exchange, schedule, sinceMs: 0 }));

describe('scheduler', () => {
  it('emits one tick per due time, on the interval boundary, for the schedule it was given', async () => {
    const { clock, schedules, ticks, scheduler } = await setup();
    await put(schedules, 'binance-usdm', '1m');
    expect(await scheduler.poll()).toBe(0);
    clock.set(at('2024-07-19T00:01:00.100Z'));
    expect(await scheduler.poll()).toBe(1);
    expect(ticks).toEqual([
      { exchange: 'binance-usdm', schedule: '1m', tickTimeMs: at('2024-07-19T00:01:00Z'), scheduleId: scheduleKey('binance-usdm', '1m') },
    ]);
    expect(await scheduler.poll()).toBe(0);
    await scheduler.stop();
  });

  it('catches up after a stall with a single tick for the latest due time', async () => {
    const { clock, schedules, ticks, scheduler } = await setup();
    await put(schedules, 'binance-usdm', '*/5 * * * *');
    clock.set(at('2024-07-19T00:17:00Z'));
    await scheduler.poll();
    expect(ticks.map((t) => t.tickTimeMs)).toEqual([at('2024-07-19T00:15:00Z')]);
    await scheduler.stop();
  });

  it('stops ticking a schedule deleted from the store', async () => {
    const { clock, schedules, ticks, scheduler } = await setup();
    await put(schedules, 'binance-usdm', '1m');
    await schedules.delete(scheduleKey('binance-usdm', '1m'));
    clock.set(at('2024-07-19T00:05:00Z'));
    await scheduler.poll();
    expect(ticks).toEqual([]);
    await scheduler.stop();
  });

  it('keeps time but emits nothing while another replica leads', async () => {
    let leading = false;
    const { clock, schedules, ticks, scheduler } = await setup({ check: async () => leading, release: async () => undefined });
    await put(schedules, 'binance-usdm', '1m');
    clock.set(at('2024-07-19T00:01:00Z'));
    await scheduler.poll();
    expect(ticks).toEqual([]);
    leading = true;
    clock.set(at('2024-07-19T00:02:00Z'));
    await scheduler.poll();
    expect(ticks.map((t) => t.tickTimeMs)).toEqual([at('2024-07-19T00:02:00Z')]);
    await scheduler.stop();
  });

  it('fires the durations and macros the API accepts, and skips a record its grammar refuses', async () => {
    const warnings: Array<{ key: string; err: string }> = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line) as { key: string; err: string }) });
    const { clock, schedules, ticks, scheduler } = await setup(soleLeader, logger);
    // '0 0 * * * *' is what the API stores for @hourly; a hand-written '@hourly' reads the same.
    for (const schedule of ['30s', '0 0 * * * *', '@hourly', 'H * * * *']) await put(schedules, 'binance-usdm', schedule);
    expect(warnings.map((w) => [w.key, w.err])).toEqual([
      [scheduleKey('binance-usdm', 'H * * * *'), expect.stringMatching(/^invalid schedule "H \* \* \* \*": hashed \(H\) cron fields are not supported/)],
    ]);
    clock.set(at('2024-07-19T00:00:30Z'));
    await scheduler.poll();
    clock.set(at('2024-07-19T01:00:00Z'));
    await scheduler.poll();
    expect(ticks.map((t) => [t.schedule, new Date(t.tickTimeMs).toISOString()])).toEqual([
      ['30s', '2024-07-19T00:00:30.000Z'],
      ['30s', '2024-07-19T01:00:00.000Z'],
      ['0 0 * * * *', '2024-07-19T01:00:00.000Z'],
      // Ticks name the schedule in its canonical form, whatever spelling the record holds.
      ['0 0 * * * *', '2024-07-19T01:00:00.000Z'],
    ]);
    await scheduler.stop();
  });
});
