import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Decimal from 'decimal.js';
import { MetricsRegistry, silentLogger } from '@exgate/runtime';
import { eventually, fixtureLines, fixturePath } from '@exgate/testing';
import { embeddedEnv, startEmbedded, type Embedded } from './embedded';

jest.setTimeout(120_000);

interface Bar {
  readonly openTimeMs: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
}

/** `npm start -- --replay FILE --exchange X`: the exchange's simulator plays the file, exgate serves its candles. */
describe.each([
  {
    exchange: 'binance', id: 'binance-spot', symbol: 'BTCUSDT', file: ['binance', 'spot-trades-2023-04-05', 'btcusdt-trade-stream.jsonl'],
    // Binance's published 1m bars of the capture (OHLCV), for the minutes it covers whole.
    bars: (): Bar[] => fixtureLines('binance', 'spot-trades-2023-04-05', 'btcusdt-ohlcv-1m.csv').slice(1).map((row) => {
      const [timestamp, open, high, low, close, volume] = row.split(',');
      return { openTimeMs: Date.parse(`${timestamp!.replace(' ', 'T')}Z`), open: open!, high: high!, low: low!, close: close!, volume: volume! };
    }),
    whole: ['00:00', '00:01', '00:02', '00:03', '00:04', '00:05'],
  },
])('replaying a $id recording in the embedded mode', ({ exchange, id, symbol, file, bars, whole }) => {
  let dataDir: string;
  let exgate: Embedded | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), `exgate-replay-${id}-`));
    exgate = await startEmbedded({
      config: embeddedEnv.parse({ EXGATE_DATA_DIR: dataDir, API_PORT: '0', API_HOST: '127.0.0.1', EXGATE_BUS: 'memory', EXGATE_STORE: 'chdb' }),
      replay: { file: fixturePath(...file), exchange, speed: 'max' },
      logger: silentLogger(),
      metrics: new MetricsRegistry(),
    });
  });
  afterAll(async () => {
    await exgate?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("collects the file's prints through the exchange's protocol and serves its candles as the exchange published them", async () => {
    await exgate!.simulator!.drained();
    const published = bars();
    const fromMs = published[0]!.openTimeMs;
    const toMs = published[published.length - 1]!.openTimeMs;
    const url = `http://127.0.0.1:${exgate!.port}/v1/${exchange}/exgate/kline/${symbol}/1m/${fromMs}/${toMs}`;
    const served = await eventually(async () => {
      const body = (await (await fetch(url)).json()) as { kline: (Record<string, string | number | boolean> & { open_time: number })[] };
      const closed = body.kline.filter((k) => k.gap_free === true && k.state !== 'forming');
      return closed.length >= whole.length ? closed : undefined;
    }, { what: `${whole.length} whole minutes served`, timeoutMs: 60_000, intervalMs: 250 });
    expect(served.map((k) => new Date(k.open_time).toISOString().slice(11, 16))).toEqual(whole);
    for (const k of served) {
      const bar = published.find((b) => b.openTimeMs === k.open_time)!;
      for (const f of ['open', 'high', 'low', 'close', 'volume'] as const) expect(new Decimal(String(k[f])).eq(bar[f])).toBe(true);
    }
    const stored = await exgate!.store.trades({ exchange: id, symbol, kind: 'trade', limit: 1, order: 'asc' });
    expect(stored[0]).toMatchObject({ exchange: id, symbol });
  });
});
