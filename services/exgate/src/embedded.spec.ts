import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MetricsRegistry, silentLogger } from '@exgate/runtime';
import { eventually, fixtureLines } from '@exgate/testing';
import { embeddedEnv, startEmbedded, type Embedded } from './embedded';

jest.setTimeout(120_000);

describe('embedded mode: what the user asked for survives a restart', () => {
  let dataDir: string;
  let replayFile: string;
  let exgate: Embedded | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-restart-'));
    replayFile = path.join(dataDir, 'frames.jsonl');
    const dir = ['binance', 'usdm-trades-2024-07-18'] as const;
    await writeFile(replayFile, [...fixtureLines(...dir, 'btcusdt-trade-stream.jsonl').slice(0, 500), ...fixtureLines(...dir, 'ethusdt-trade-stream.jsonl').slice(0, 500)].join('\n'));
  });
  afterAll(async () => {
    await exgate?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = () =>
    startEmbedded({
      config: embeddedEnv.parse({ EXGATE_DATA_DIR: dataDir, API_PORT: '0', API_HOST: '127.0.0.1', EXGATE_BUS: 'memory', EXGATE_STORE: 'chdb' }),
      replay: { file: replayFile, exchange: 'binance-usdm', speed: 'max' },
      logger: silentLogger(),
      metrics: new MetricsRegistry(),
    });
  const get = async (route: string) => {
    const res = await fetch(`http://127.0.0.1:${exgate!.port}${route}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('keeps pulls, stops and stored trades across a restart', async () => {
    exgate = await start();
    // A replay pulls every symbol of the file at first start.
    expect(await get('/v1/fbinance/aggtrade/pull/ETHUSDT/1m')).toMatchObject({ status: 200, body: { status: 'already_pulling' } });
    expect(await get('/v1/fbinance/aggtrade/stop/BTCUSDT/1m')).toMatchObject({ status: 200, body: { status: 'stopped' } });
    await exgate.simulator!.drained();
    await exgate.collector.flush();
    const stored = () => exgate!.store.lastTradeId({ exchange: 'binance-usdm', symbol: 'ETHUSDT', kind: 'aggTrade' });
    const lastEth = await eventually(stored, { what: 'a stored ETHUSDT print', timeoutMs: 20_000, intervalMs: 100 });
    expect(lastEth).not.toBeNull();
    await exgate.close();

    exgate = await start();
    expect(await get('/v1/fbinance/aggtrade/stop/BTCUSDT/1m')).toMatchObject({ status: 400, body: { code: 9 } });
    expect(await get('/v1/fbinance/aggtrade/pull/ETHUSDT/1m')).toMatchObject({ status: 200, body: { status: 'already_pulling' } });
    expect(await exgate.store.lastTradeId({ exchange: 'binance-usdm', symbol: 'ETHUSDT', kind: 'aggTrade' })).toBeGreaterThanOrEqual(lastEth);
  });
});
