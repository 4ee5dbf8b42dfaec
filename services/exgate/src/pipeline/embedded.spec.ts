import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eventually, fixturePath } from '@exgate/testing';
import { coveredBinanceKlines, differences, FIXTURE } from '../testing/binance-window';
import { npmStart, type NpmStart } from '../testing/processes';

jest.setTimeout(180_000);

/** `npm start -- --replay FILE --speed max`, exactly as the README shows it. */
describe('pipeline, embedded: npm start -- --replay', () => {
  let exgate: NpmStart;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-embedded-'));
    exgate = await npmStart(['--replay', fixturePath(...FIXTURE, 'btcusdt-trade-stream.jsonl'), '--speed', 'max'], { EXGATE_DATA_DIR: dataDir });
  });

  afterAll(async () => {
    await exgate?.kill();
    await rm(dataDir, { recursive: true, force: true });
  });

  const logged = () => exgate.logLines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; level: number } & Record<string, unknown>);

  it("serves, from the replayed frames, the candles Binance published for those minutes", async () => {
    const expected = coveredBinanceKlines();
    const [first, last] = [expected[0]!.openTimeMs, expected[expected.length - 1]!.openTimeMs];
    const ours = await eventually(async () => {
      const res = await fetch(`${exgate.base}/v1/fbinance/exgate/kline/BTCUSDT/1m/${first}/${last}`);
      const kline = ((await res.json()) as { kline: Record<string, unknown>[] }).kline;
      return kline.length === expected.length && kline.every((k) => k.state === 'closed') && kline;
    }, { what: `all ${expected.length} covered minutes served closed`, timeoutMs: 60_000, intervalMs: 250 });
    expect(ours.map((k) => k.open_time)).toEqual(expected.map((k) => k.openTimeMs));
    expect(expected.flatMap((k, i) => differences(ours[i]!, k))).toEqual([]);
  });

  it('says when the recording has been played out, and how many prints it held', async () => {
    const line = await eventually(() => logged().find((l) => l.msg.startsWith('the recording has been played out')), {
      what: 'the played-out line', timeoutMs: 60_000, intervalMs: 100,
    });
    // The capture holds 10 701 trade frames (its README), every one a print.
    expect(line).toMatchObject({ msg: 'the recording has been played out: 10701 prints', prints: 10_701, level: 30 });
    expect(line.file).toBe(fixturePath(...FIXTURE, 'btcusdt-trade-stream.jsonl'));
  });

  it('stops gracefully on SIGTERM: every service closes before the process ends', async () => {
    process.kill(-exgate.child.pid!, 'SIGTERM');
    await exgate.exit;
    expect(logged().some((l) => l.msg === 'stopped' && l.step === 'exgate')).toBe(true);
    expect(logged().filter((l) => l.level >= 50)).toEqual([]);
  });
});
