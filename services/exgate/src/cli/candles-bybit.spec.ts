import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Decimal from 'decimal.js';
import { bybitFramesFromBinance } from '@exgate/exchanges/testing';
import { fixtureLines, repoRoot } from '@exgate/testing';
import { coveredBinanceRows, tradeLines } from '../testing/binance-window';
import { useCandlesHarness } from '../testing/cli-candles';

const { file, candles } = useCandlesHarness('bybit');

describe('exgate candles --exchange bybit', () => {
  it('builds the candle of a real spot push (2023-04-05, four fills of one match)', async () => {
    const spot = fixtureLines('bybit', 'tardis-node-mappers-test-trade-messages.jsonl')[2]!;
    const { rows, report } = await candles(await file('spot.jsonl', [spot]));
    expect(rows).toEqual([[
      String(Date.UTC(2023, 3, 5, 0, 0)), '28165.38', '28165.38', '28165.38', '28165.38', '0.148000', String(Date.UTC(2023, 3, 5, 0, 1) - 1),
      new Decimal('28165.38').mul('0.148').toFixed(8), '4', '0.000000', '0.00000000', '0',
    ]]);
    expect(report).toMatchObject({ prints: 4, rejected: {} });
  });

  it("equals Binance's published klines on Binance's prints re-encoded as Bybit pushes (the engine's parity, with volume)", async () => {
    const reencoded = bybitFramesFromBinance(tradeLines(), { category: 'linear' });
    const { rows, report } = await candles(await file('btc-linear.jsonl', reencoded));
    expect(report).toMatchObject({ lines: reencoded.length, prints: 10_701, rejected: {}, tooLate: 0 });
    const expected = coveredBinanceRows();
    expect(expected.length).toBeGreaterThanOrEqual(6);
    for (const row of expected) expect(rows.map((r) => r.join(','))).toContain(row);
  });

  it('leaves block trades (BT) out of candles and counts RPI fills (COUNTS_IN_CANDLES)', async () => {
    const pushes = bybitFramesFromBinance(fixtureLines('binance', 'usdm-trades-2024-07-18', 'ethusdt-trade-stream.jsonl').slice(0, 3000), { category: 'spot' })
      .map((f, n) => {
        const push = JSON.parse(f) as { data: Record<string, unknown>[] };
        return JSON.stringify({ ...push, data: push.data.map((d) => ({ ...d, BT: n % 5 === 1, RPI: n % 3 === 0 })) });
      });
    const { rows, report } = await candles(await file('eth-spot.jsonl', pushes));
    const fills = pushes.flatMap((f) => (JSON.parse(f) as { data: { T: number; v: string; BT: boolean; RPI: boolean }[] }).data);
    expect(report.prints).toBe(fills.length);
    expect(fills.some((d) => d.BT) && fills.some((d) => d.RPI && !d.BT)).toBe(true);
    for (const row of rows) {
      const open = Number(row[0]);
      const counted = fills.filter((d) => !d.BT && d.T >= open && d.T < open + 60_000);
      expect(new Decimal(row[5]!).eq(counted.reduce((sum, d) => sum.plus(d.v), new Decimal(0)))).toBe(true);
      expect(Number(row[8])).toBe(counted.length);
    }
    expect(rows.reduce((n, r) => n + Number(r[8]), 0)).toBe(fills.filter((d) => !d.BT).length);
  });

  it('runs as a command', async () => {
    const exec = promisify(execFile);
    const spot = await file('cmd.jsonl', [fixtureLines('bybit', 'tardis-node-mappers-test-trade-messages.jsonl')[2]!]);
    const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
    const cli = path.join(repoRoot, 'services', 'exgate', 'src', 'cli.ts');
    const ok = await exec(tsx, [cli, 'candles', '--exchange', 'bybit', '--input', spot, '--interval', '1m'], { cwd: repoRoot });
    expect(ok.stdout.trim().split('\n')[1]).toBe(`1680652800000,28165.38,28165.38,28165.38,28165.38,0.148000,1680652859999,${new Decimal('28165.38').mul('0.148').toFixed(8)},4,0.000000,0.00000000,0`);
    expect(JSON.parse(ok.stderr).summary).toMatchObject({ prints: 4, candles: 1 });
  });
});
