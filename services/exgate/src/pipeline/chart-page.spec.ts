import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { eventually, fixturePath } from '@exgate/testing';
import { FIXTURE } from '../testing/binance-window';
import { columnsOf, hex, launchChromium, type Browser } from '../testing/chromium';
import { npmStart, type NpmStart } from '../testing/processes';

jest.setTimeout(300_000);

/** The page's colours (services/api/src/chart/page/model.js). */
const COLOURS = { up: hex('#26a69a'), down: hex('#ef5350'), gap: hex('#f5a623') };

interface Kline {
  open_time: number;
  open: string;
  close: string;
  gap_free: boolean;
}

/**
 * The chart page in Debian's Chromium, against `npm start -- --replay` of the 2024-07-18 capture
 * at 4× (8 recorded minutes take 2 real ones): history, then live updates while it plays.
 */
describe('the live chart page (Chromium, npm start -- --replay)', () => {
  let exgate: NpmStart;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  const requests: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'exgate-chart-'));
    [browser, exgate] = await Promise.all([
      launchChromium(),
      npmStart(['--replay', fixturePath(...FIXTURE, 'btcusdt-trade-stream.jsonl'), '--speed', '4'], { EXGATE_DATA_DIR: dataDir }),
    ]);
    page = await browser.context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await exgate?.kill();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** #status: its text and data-* (state, candles, updates, lastOpen, lastClose, lastVersion). */
  const status = (): Promise<Record<string, string | undefined>> =>
    page.$eval('#status', (e) => ({ text: e.textContent ?? '', ...(e as unknown as { dataset: Record<string, string> }).dataset }));
  const whenLive = () => page.waitForSelector('#status[data-state="live"]', { timeout: 90_000 });

  /** The plot area: the chart's largest canvas (the price and time axes are smaller ones). */
  async function plot(): Promise<Buffer> {
    const box = await page.$$eval('#chart canvas', (canvases) =>
      canvases.map((c) => c.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, width: r.width, height: r.height }))
        .sort((a, b) => b.width * b.height - a.width * a.height)[0]!);
    return page.screenshot({ clip: box });
  }

  it('comes from exgate alone, with pickers filled from GET /v1/exchanges', async () => {
    const response = await page.goto(`${exgate.base}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("connect-src 'self'");
    await whenLive();

    const catalog = (await (await fetch(`${exgate.base}/v1/exchanges`)).json()) as { exchanges: Array<{ id: string; name: string; intervals: string[]; symbols: string[] }> };
    expect(catalog.exchanges).toEqual([expect.objectContaining({ id: 'binance-usdm', symbols: ['BTCUSDT'] })]);
    const options = (id: string) => page.$$eval(`#${id} option`, (os) => os.map((o) => [(o as unknown as { value: string }).value, o.textContent]));
    expect(await options('exchange')).toEqual([['binance-usdm', catalog.exchanges[0]!.name]]);
    expect(await options('symbol')).toEqual([['BTCUSDT', 'BTCUSDT']]);
    expect((await options('interval')).map(([value]) => value)).toEqual(catalog.exchanges[0]!.intervals);
    expect(await page.$eval('#interval', (s) => (s as unknown as { value: string }).value)).toBe('1m');
    expect(new URL(page.url()).search).toBe('?exchange=binance-usdm&symbol=BTCUSDT&interval=1m');

    // Nothing from a CDN: the page, its scripts, the chart library, the API and the websocket.
    expect(requests.length).toBeGreaterThanOrEqual(7);
    expect(requests.filter((url) => !url.startsWith(`${exgate.base}/`))).toEqual([]);
    expect(requests).toContain(`${exgate.base}/chart/lightweight-charts.js`);
    expect(problems).toEqual([]);
  });

  it('draws the stored candles on the canvas, the one that is not gap-free in its own colour', async () => {
    // Three buckets stored: the partial first minute (gap_free: false, the stream's first print), two more.
    await eventually(async () => {
      const res = await fetch(`${exgate.base}/v1/fbinance/exgate/kline/BTCUSDT/1m/1721347000000/1721348000000`);
      return ((await res.json()) as { kline: Kline[] }).kline.length >= 3;
    }, { what: 'three stored 1m candles', timeoutMs: 120_000, intervalMs: 500 });

    const [history] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/exgate/kline/BTCUSDT/1m/'), { timeout: 60_000 }).then(async (r) => ((await r.json()) as { kline: Kline[] }).kline),
      page.reload(),
    ]);
    await whenLive();
    expect(history.length).toBeGreaterThanOrEqual(3);
    expect(history[0]).toMatchObject({ open_time: 1_721_347_020_000, gap_free: false });
    expect(history.slice(1).every((k) => k.gap_free)).toBe(true);
    expect(Number((await status()).candles)).toBeGreaterThanOrEqual(history.length);

    const columns = await columnsOf(await browser.context.newPage(), await plot(), COLOURS);
    // A body is about 9 pixels wide (12 px per bar): the amber one, and the others in green or red.
    expect(columns.gap).toBeGreaterThanOrEqual(5);
    expect(columns.up! + columns.down!).toBeGreaterThanOrEqual(3 * 2);
    expect(problems).toEqual([]);
  });

  it('takes live updates from the websocket while the replay plays: the last candle changes', async () => {
    const before = await status();
    const pixelsBefore = await plot();
    await page.waitForFunction(
      ({ updates, lastOpen, lastClose }) => {
        const dom = globalThis as unknown as { document: { querySelector(selector: string): { dataset: Record<string, string> } | null } };
        const s = dom.document.querySelector('#status');
        return s !== null && Number(s.dataset.updates) > Number(updates) && (s.dataset.lastOpen !== lastOpen || s.dataset.lastClose !== lastClose);
      },
      { updates: before.updates ?? '0', lastOpen: before.lastOpen ?? '', lastClose: before.lastClose ?? '' },
      { timeout: 90_000 },
    );
    const after = await status();
    expect(after.state).toBe('live');
    expect(Number(after.lastOpen)).toBeGreaterThanOrEqual(Number(before.lastOpen));
    expect(after.text).toMatch(/^live · \d+ candles · \d+ live updates$/);
    // The legend shows the last candle's exact strings, as the websocket sent them (status and
    // legend read in one turn of the page: the replay keeps updating both).
    const shown = await page.evaluate(() => {
      const dom = globalThis as unknown as { document: { querySelector(selector: string): { dataset: Record<string, string>; textContent: string | null } | null } };
      return { lastClose: dom.document.querySelector('#status')?.dataset['lastClose'], legend: dom.document.querySelector('#legend')?.textContent };
    });
    expect(shown.legend).toContain(`C ${shown.lastClose}`);
    // The plot repaints on the next animation frame, and one update may move no pixel (a close a
    // cent away): the replay keeps updating, so the pixels must change within the deadline.
    await eventually(async () => !(await plot()).equals(pixelsBefore), { what: 'the plot to repaint with the live updates', timeoutMs: 60_000, intervalMs: 250 });
    expect(problems).toEqual([]);
  });

  it('keeps candles by open time: a correction replaces its bucket, an older version never wins (model.js, in the page)', async () => {
    const results = (await page.evaluate(`(async () => {
      const m = await import('/chart/model.js');
      const k = (openTime, version, close, extra = {}) => ({ open_time: openTime, close_time: openTime + 59999, open: '63960.10', high: '63990.00', low: '63950.00', close, volume: '1.500', version, ...extra });
      const set = new m.CandleSet();
      const T = 1721347200000;
      const changes = [
        set.apply(k(T, 1, '63970.00', { state: 'closed' })),
        set.apply(k(T + 60000, 0, '63971.00', { state: 'forming' })),
        set.apply(k(T + 60000, 0, '63972.50', { state: 'forming' })),
        set.apply(k(T, 2, '63975.00', { state: 'corrected' })),
        set.apply(k(T, 1, '63970.00', { state: 'closed' })),
        set.apply(k(T - 60000, 1, '63950.0', { gap_free: false })),
      ];
      return {
        changes,
        times: set.times,
        closes: set.times.map((t) => set.at(t).close),
        bars: set.bars(),
        priceScale: set.priceScale,
        window: m.windowBefore('1m', T + 59999, 500),
      };
    })()`)) as { changes: string[]; times: number[]; closes: string[]; bars: Array<Record<string, unknown>>; priceScale: number; window: { startMs: number; endMs: number } };
    const T = 1_721_347_200;
    expect(results.changes).toEqual(['append', 'append', 'replace-last', 'replace', 'stale', 'insert']);
    expect(results.times).toEqual([T - 60, T, T + 60]);
    expect(results.closes).toEqual(['63950.0', '63975.00', '63972.50']);
    expect(results.bars).toEqual([
      { time: T - 60, open: 63960.1, high: 63990, low: 63950, close: 63950, color: '#f5a623', borderColor: '#f5a623', wickColor: '#f5a623' },
      { time: T, open: 63960.1, high: 63990, low: 63950, close: 63975 },
      { time: T + 60, open: 63960.1, high: 63990, low: 63950, close: 63972.5 },
    ]);
    expect(results.priceScale).toBe(2);
    // Spans 500 minutes exactly, so it holds 500 bucket starts whatever the end's second.
    expect(results.window).toEqual({ startMs: 1_721_347_259_999 - 500 * 60_000 + 1, endMs: 1_721_347_259_999 });
  });
});
