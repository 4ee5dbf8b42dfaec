import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { fixtureLines } from '@exgate/testing';
import { startSimulatorProcess } from './start-simulator';

describe('the replay simulator in a process of its own', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'exgate-sim-process-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('serves the recording over the real protocol, says when it is played out, and ends when closed', async () => {
    const frames = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl').slice(0, 500);
    const file = path.join(dir, 'frames.jsonl');
    await writeFile(file, `${frames.join('\n')}\n`);
    const sim = await startSimulatorProcess({ exchange: 'binance-usdm', file, pace: 'asap', restHistory: 'printed', host: '127.0.0.1' });
    expect(sim.symbols).toEqual(['BTCUSDT']);
    expect(sim.printCount).toBe(500);
    const received: string[] = [];
    const client = new WebSocket(`${sim.wsBaseUrl}/stream?streams=btcusdt@trade`);
    client.on('message', (data: Buffer) => received.push(data.toString()));
    await new Promise((resolve) => client.once('open', resolve));
    await sim.drained(['BTCUSDT']);
    while (received.length < 500) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(received.map((r) => (JSON.parse(r) as { data: { t: number } }).data.t)).toEqual(frames.map((f) => (JSON.parse(f) as { data: { t: number } }).data.t));
    const closedByServer = new Promise((resolve) => client.once('close', resolve));
    await sim.close();
    await closedByServer;
  });

  it('rejects drained(), pending and later, with the exit code when its process dies before playing out', async () => {
    const frames = fixtureLines('binance', 'usdm-trades-2024-07-18', 'btcusdt-trade-stream.jsonl').slice(0, 50);
    const file = path.join(dir, 'frames-killed.jsonl');
    await writeFile(file, `${frames.join('\n')}\n`);
    // Paced at the recording's speed: it would take seconds to play out.
    const sim = await startSimulatorProcess({ exchange: 'binance-usdm', file, pace: { speed: 1 }, restHistory: 'printed', host: '127.0.0.1' });
    const client = new WebSocket(`${sim.wsBaseUrl}/stream?streams=btcusdt@trade`);
    await new Promise((resolve) => client.once('open', resolve));
    const pending = sim.drained();
    const closedByExchange = new Promise((resolve) => client.once('close', resolve));
    process.kill(sim.pid, 'SIGKILL');
    const gone = { code: 'EXCHANGE_UNAVAILABLE', message: expect.stringContaining('exited (code SIGKILL)') };
    await expect(pending).rejects.toMatchObject(gone);
    await expect(sim.drained()).rejects.toMatchObject(gone);
    await closedByExchange;
    await sim.close();
  });

  it('refuses to start on a file it cannot read, naming it', async () => {
    const file = path.join(dir, 'missing.jsonl');
    await expect(startSimulatorProcess({ exchange: 'binance-usdm', file, pace: 'asap', restHistory: 'printed', host: '127.0.0.1' }))
      .rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining(file) });
  });
});
