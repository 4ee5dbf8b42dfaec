import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Decimal from 'decimal.js';
import { okxFramesFromBinance } from '@exgate/exchanges/testing';
import { fixtureLines, repoRoot } from '@exgate/testing';
import { coveredBinanceRows, tradeLines } from '../testing/binance-window';
import { useCandlesHarness } from '../testing/cli-candles';

const { file, candles } = useCandlesHarness('okx');

/** cryptofeed's 2022 capture: the frames after their `<local ts>: ` prefix. */
const cryptofeed = fixtureLines('okx', 'cryptofeed-OKX.ws.1.0-2022-05-13-trades-only.txt')
  .filter((l) => /^\d+\.\d+: /.test(l)).map((l) => l.slice(l.indexOf(': ') + 2));
const fills = cryptofeed.filter((l) => l.includes('"instId":"BTC-USDT"') && l.includes('"data"'))
  .map((l) => (JSON.parse(l) as { data: { px: string; sz: string; side: string; ts: string }[] }).data[0]!);

/** OKX's rules (shared/exchanges.md §4.3): first fill opens, Σsz volume, Σpx×sz quote volume, every fill counts. */
function fold(list: typeof fills): string[] {
  const px = list.map((f) => new Decimal(f.px));
  const sum = (xs: typeof fills, v: (f: (typeof fills)[number]) => Decimal) => xs.reduce((s, f) => s.plus(v(f)), new Decimal(0));
  return [list[0]!.px, Decimal.max(...px).toString(), Decimal.min(...px).toString(), list[list.length - 1]!.px,
    sum(list, (f) => new Decimal(f.sz)).toString(), sum(list, (f) => new Decimal(f.px).mul(f.sz)).toString(), String(list.length),
    sum(list.filter((f) => f.side === 'buy'), (f) => new Decimal(f.sz)).toString()];
}
const decimals = (r: string[]) => [r[1], r[2], r[3], r[4], r[5], r[7], r[8], r[9]].map((v, i) => (i === 6 ? v! : new Decimal(v!).toString()));

describe('exgate candles --exchange okx', () => {
  it("folds OKX's real 2022 fills by OKX's rules, minute by minute; futures and inverse swaps refused and counted", async () => {
    const { rows, report } = await candles(await file('cryptofeed.jsonl', cryptofeed), '1m');
    expect(report).toMatchObject({ prints: 69, rejected: { unknown_symbol: 5 } });
    const minutes = [...new Set(fills.map((f) => Math.floor(Number(f.ts) / 60_000) * 60_000))];
    expect(rows.map((r) => Number(r[0]))).toEqual(minutes);
    for (const r of rows) {
      const open = Number(r[0]);
      expect(decimals(r)).toEqual(fold(fills.filter((f) => Number(f.ts) >= open && Number(f.ts) < open + 60_000)));
    }
  });

  it("lays a day on OKX's UTC+8 clock by default (16:00 UTC), on UTC when asked", async () => {
    const input = await file('cryptofeed-day.jsonl', cryptofeed);
    const okxDay = await candles(input, '1d');
    expect(okxDay.rows.map((r) => [Number(r[0]), Number(r[6])])).toEqual([[Date.UTC(2022, 4, 13, 16), Date.UTC(2022, 4, 14, 16) - 1]]);
    expect(decimals(okxDay.rows[0]!)).toEqual(fold(fills));
    const utcDay = await candles(input, '1d', 0);
    expect(Number(utcDay.rows[0]![0])).toBe(Date.UTC(2022, 4, 13));
  });

  it("equals Binance's published klines on Binance's prints re-encoded as OKX trades-all pushes (the engine's parity, with volume)", async () => {
    const reencoded = okxFramesFromBinance(tradeLines());
    const { rows, report } = await candles(await file('btc.jsonl', reencoded), '1m');
    expect(report).toMatchObject({ lines: reencoded.length, prints: reencoded.length, rejected: {}, tooLate: 0 });
    const expected = coveredBinanceRows();
    expect(expected.length).toBeGreaterThanOrEqual(6);
    for (const row of expected) expect(rows.map((r) => r.join(','))).toContain(row);
  });

  it('runs as a command (the 2023 trades-all push of BSV-USDT)', async () => {
    const exec = promisify(execFile);
    const input = await file('cmd.jsonl', [fixtureLines('okx', 'tardis-node-mappers-test-trade-messages.jsonl')[1]!]);
    const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
    const cli = path.join(repoRoot, 'services', 'exgate', 'src', 'cli.ts');
    const ok = await exec(tsx, [cli, 'candles', '--exchange', 'okx', '--input', input, '--interval', '1m'], { cwd: repoRoot });
    expect(ok.stdout.trim().split('\n')[1]).toBe('1697760000000,42.52,42.52,42.52,42.52,3.75,1697760059999,159.4500,1,3.75,159.4500,0');
    expect(JSON.parse(ok.stderr).summary).toMatchObject({ prints: 1, candles: 1 });
  });
});
