import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import Decimal from 'decimal.js';
import { requireExchange } from '@exgate/exchanges';
import { fixtureLines, fixturePath, repoRoot } from '@exgate/testing';
import { coveredBinanceRows } from '../testing/binance-window';
import { silentLogger, systemClock } from '@exgate/runtime';
import { CSV_HEADER, runCandles, type CandlesCommand } from './candles';

const adapter = requireExchange('binance-usdm').create({ clock: systemClock, logger: silentLogger() });
const usdmTrades = fixturePath('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl');

async function run(cmd: Partial<CandlesCommand> & Pick<CandlesCommand, 'input' | 'interval'>): Promise<{ out: string; report: Awaited<ReturnType<typeof runCandles>> }> {
  let out = '';
  const report = await runCandles(
    { adapter, format: 'csv', tzOffsetMs: 0, reorderWindowMs: 60_000, receivedAtMs: Date.now(), ...cmd },
    (chunk) => {
      out += chunk;
    },
  );
  return { out, report };
}

describe('exgate candles (CLI)', () => {
  it("writes Binance's own 1m klines, byte for byte, for every minute the capture covers whole", async () => {
    const { out, report } = await run({ input: usdmTrades, interval: '1m' });
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe(CSV_HEADER);
    const expected = coveredBinanceRows();
    expect(expected.length).toBeGreaterThanOrEqual(6);
    for (const row of expected) expect(lines).toContain(row);
    expect(report).toMatchObject({ lines: 10_701, prints: 10_701, rejected: {}, tooLate: 0 });
  });

  it('folds the same file into 5m candles whose sums equal the 1m candles it spans', async () => {
    const one = (await run({ input: usdmTrades, interval: '1m' })).out.trim().split('\n').slice(1).map((r) => r.split(','));
    const five = (await run({ input: usdmTrades, interval: '5m' })).out.trim().split('\n').slice(1).map((r) => r.split(','));
    const bucket = five.find((r) => r[0] === '1721347200000')!;
    const parts = one.filter((r) => Number(r[0]) >= 1721347200000 && Number(r[0]) < 1721347500000);
    expect(parts).toHaveLength(5);
    expect(Number(bucket[8])).toBe(parts.reduce((n, r) => n + Number(r[8]), 0));
    expect(bucket[1]).toBe(parts[0]![1]);
    expect(bucket[4]).toBe(parts[4]![4]);
  });

  it('writes exgate kline objects as JSON', async () => {
    const { out } = await run({ input: usdmTrades, interval: '1m', format: 'json' });
    const parsed = JSON.parse(out) as { kline: Record<string, unknown>[] };
    expect(parsed.kline.find((k) => k.open_time === 1721347200000)).toMatchObject({
      open: '63960.00', high: '63978.00', low: '63915.60', close: '63978.00', volume: '292.800',
      close_time: 1721347259999, trade_count: 2480, state: 'closed', gap_free: true,
    });
  });

  it('opens daily candles at the given time zone (HotBit and Binance spot start days at +08:00)', async () => {
    const utc = (await run({ input: usdmTrades, interval: '1d' })).out.trim().split('\n').slice(1);
    const sgt = (await run({ input: usdmTrades, interval: '1d', tzOffsetMs: 8 * 3_600_000 })).out.trim().split('\n').slice(1);
    // The capture straddles 00:00 UTC (two UTC days) but sits inside one +08:00 day (16:00 → 16:00 UTC).
    expect(utc.map((r) => Number(r.split(',')[0]))).toEqual([Date.UTC(2024, 6, 18), Date.UTC(2024, 6, 19)]);
    expect(sgt.map((r) => Number(r.split(',')[0]))).toEqual([Date.UTC(2024, 6, 18, 16)]);
    expect(Number(sgt[0]!.split(',')[6])).toBe(Date.UTC(2024, 6, 19, 16) - 1);
    const count = (rows: string[]) => rows.reduce((n, r) => n + Number(r.split(',')[8]), 0);
    expect(count(sgt)).toBe(count(utc));
  });

  it("makes Binance spot's published 1m bars from its recorded spot trades, through binance-spot", async () => {
    const spot = requireExchange('binance').create({ clock: systemClock, logger: silentLogger() });
    const { out, report } = await run({ adapter: spot, input: fixturePath('binance', 'spot-trades-2023-04-05', 'btcusdt-trade-stream.jsonl'), interval: '1m', format: 'json' });
    const rows = (JSON.parse(out) as { kline: Record<string, unknown>[] }).kline.filter((k) => k.gap_free === true && k.state === 'closed');
    const bars = fixtureLines('binance', 'spot-trades-2023-04-05', 'btcusdt-ohlcv-1m.csv').slice(1).map((r) => r.split(','));
    expect(rows).toHaveLength(6);
    for (const k of rows) {
      const bar = bars.find((b) => Date.parse(`${b[0]!.replace(' ', 'T')}Z`) === k.open_time)!;
      // The bars are in shortest form; the CLI writes spot's 8-decimal wire form ("28165.47000000").
      expect([k.open, k.high, k.low, k.close, k.volume].map((v) => new Decimal(String(v)).toString())).toEqual(bar.slice(1, 6).map((v) => new Decimal(v).toString()));
      expect(String(k.open)).toMatch(/^\d+\.\d{8}$/);
    }
    expect(report.rejected).toEqual({});
  });

  it('counts malformed lines by kind and keeps going', async () => {
    const { report } = await run({ input: fixturePath('binance', 'ws-captures-2021', 'binance-futures.ws.txt'), interval: '1m' });
    expect(report.prints).toBe(0);
    expect(report.rejected.invalid_json).toBe(report.lines);
  });

  it('runs as a command: klines on stdout, a summary on stderr, exit code 2 on bad usage', async () => {
    const exec = promisify(execFile);
    const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
    const cli = path.join(repoRoot, 'services', 'exgate', 'src', 'cli.ts');
    const ok = await exec(tsx, [cli, 'candles', '--exchange', 'fbinance', '--input', usdmTrades, '--interval', '1m'], { cwd: repoRoot });
    expect(ok.stdout).toContain('1721347200000,63960.00,63978.00,63915.60,63978.00,292.800,1721347259999,18723474.19790,2480,123.834,7918879.71640,0');
    expect(JSON.parse(ok.stderr).summary.prints).toBe(10_701);
    await expect(exec(tsx, [cli, 'candles', '--exchange', 'nope', '--input', usdmTrades, '--interval', '1m'], { cwd: repoRoot })).rejects.toMatchObject({ code: 2 });
    await expect(exec(tsx, [cli, 'candles', '--exchange', 'fbinance', '--input', usdmTrades, '--interval', '7m'], { cwd: repoRoot })).rejects.toMatchObject({ code: 2 });
  });
});
