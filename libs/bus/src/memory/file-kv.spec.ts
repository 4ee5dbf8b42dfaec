import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileKeyValueStore } from './file-kv';

describe('FileKeyValueStore', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'exgate-file-kv-'));
    file = path.join(dir, 'nested', 'subscriptions.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps its contents across a restart, as a plain JSON object, with no temporary file left', async () => {
    const first = await FileKeyValueStore.open(file);
    await first.put('binance-usdm.BTCUSDT', '{"interval":"1m"}');
    await first.put('binance-usdm.ETHUSDT', '{"interval":"5m"}');
    await first.delete('binance-usdm.ETHUSDT');
    await first.close();

    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ 'binance-usdm.BTCUSDT': '{"interval":"1m"}' });
    expect(await readdir(path.dirname(file))).toEqual(['subscriptions.json']);

    const second = await FileKeyValueStore.open(file);
    expect(await second.entries()).toEqual(new Map([['binance-usdm.BTCUSDT', '{"interval":"1m"}']]));
    await second.close();
  });

  it('shares one state between handles of one process, so neither overwrites the other', async () => {
    const api = await FileKeyValueStore.open(file);
    const collector = await FileKeyValueStore.open(path.join(dir, 'nested', '..', 'nested', 'subscriptions.json'));
    const heard: string[] = [];
    const unwatch = await collector.watch((key) => heard.push(key));
    await Promise.all([api.put('a', '1'), collector.put('b', '2')]);
    expect(await api.entries()).toEqual(new Map([['a', '1'], ['b', '2']]));
    expect(heard.sort()).toEqual(['a', 'b']);
    unwatch();
    await api.close();
    await collector.close();
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ a: '1', b: '2' });
  });

  it('refuses a file that is not a JSON object rather than starting empty and overwriting it', async () => {
    await writeFile(path.join(dir, 'broken.json'), '{"a": "1"', 'utf8');
    await expect(FileKeyValueStore.open(path.join(dir, 'broken.json'))).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
