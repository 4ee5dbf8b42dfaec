import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Decimal from 'decimal.js';
import { intxFramesFromBinance } from '@exgate/exchanges/testing';
import { fixtureLines, repoRoot } from '@exgate/testing';
import { coveredBinanceRows, tradeLines } from '../testing/binance-window';
import { useCandlesHarness } from '../testing/cli-candles';

const { file, candles } = useCandlesHarness('coinbase-intx');

/** In time order: SOL-PERP 2024-10-30, then BTC-PERP 2025-03-14. */
const recorded = [...fixtureLines('coinbase-intx', 'tardis-node-mappers-test-trade-messages.jsonl'), ...fixtureLines('coinbase-intx', 'nautilus-ws_match.json')];

describe('exgate candles --exchange coinbase-intx', () => {
  it('builds the candles of real MATCH messages (BTC-PERP 2025-03-14, SOL-PERP 2024-10-30); candle frames are not prints', async () => {
    const { rows, report } = await candles(await file('real.jsonl', [...recorded, ...fixtureLines('coinbase-intx', 'nautilus-ws_candles.json')]));
    const sol = Date.UTC(2024, 9, 30, 10, 55);
    const btc = Date.UTC(2025, 2, 14, 23, 3);
    expect(rows).toEqual(expect.arrayContaining([
      [String(btc), '84374', '84374', '84374', '84374', '0.0213', String(btc + 59_999), new Decimal('84374').mul('0.0213').toFixed(4), '1', '0.0213', new Decimal('84374').mul('0.0213').toFixed(4), '0'],
      [String(sol), '177.202', '177.202', '177.202', '177.202', '3.584', String(sol + 59_999), new Decimal('177.202').mul('3.584').toFixed(6), '1', '3.584', new Decimal('177.202').mul('3.584').toFixed(6), '0'],
    ]));
    expect(report).toMatchObject({ prints: 2, rejected: { unknown_stream: 1 } });
  });

  it("equals Binance's published klines on Binance's prints re-encoded as MATCH messages (the engine's parity, with volume)", async () => {
    const reencoded = intxFramesFromBinance(tradeLines());
    const { rows, report } = await candles(await file('btc-perp.jsonl', reencoded));
    expect(report).toMatchObject({ lines: reencoded.length, prints: reencoded.length, rejected: {}, tooLate: 0 });
    const expected = coveredBinanceRows();
    expect(expected.length).toBeGreaterThanOrEqual(6);
    for (const row of expected) expect(rows.map((r) => r.join(','))).toContain(row);
  });

  it('runs as a command, by its alias', async () => {
    const exec = promisify(execFile);
    const input = await file('cmd.jsonl', [recorded[0]!]);
    const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
    const cli = path.join(repoRoot, 'services', 'exgate', 'src', 'cli.ts');
    const ok = await exec(tsx, [cli, 'candles', '--exchange', 'intx', '--input', input, '--interval', '1m'], { cwd: repoRoot });
    expect(ok.stdout.trim().split('\n')[1]!.split(',').slice(0, 6)).toEqual([String(Date.UTC(2024, 9, 30, 10, 55)), '177.202', '177.202', '177.202', '177.202', '3.584']);
    expect(JSON.parse(ok.stderr).summary).toMatchObject({ prints: 1, candles: 1 });
  });
});
