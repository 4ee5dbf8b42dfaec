// @ts-check
/**
 * The live chart: pickers filled from GET /v1/exchanges, history from the stored route
 * (/v1/{exchange}/exgate/kline/…), then every update from the websocket (/ws/v1/…/kline/…).
 * The page's own state shows on #status (data-* attributes too), for people and for tests.
 */
import { CandleSet, COLORS, formatTime, toBar, toVolumeBar, windowBefore } from './model.js';

/** @typedef {import('./model.js').Kline} Kline */
/** @typedef {{ id: string, aliases: string[], name: string, intervals: string[], symbols: string[] }} Exchange */
/** @typedef {{ exchange: string, symbol: string, interval: string }} Selection */

/** The standalone bundle, loaded before this module by index.html. */
const LWC = /** @type {typeof import('lightweight-charts')} */ (/** @type {any} */ (window).LightweightCharts);

/** Candles per history request: the first screen, and each step back when scrolling left. */
const PAGE = 500;
const RETRY_MAX_MS = 10_000;

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const pickers = {
  exchange: /** @type {HTMLSelectElement} */ ($('exchange')),
  symbol: /** @type {HTMLSelectElement} */ ($('symbol')),
  interval: /** @type {HTMLSelectElement} */ ($('interval')),
};
const statusEl = $('status');
const legendEl = $('legend');

const chart = LWC.createChart($('chart'), {
  autoSize: true,
  layout: { background: { color: '#131722' }, textColor: '#d1d4dc', attributionLogo: true },
  grid: { vertLines: { color: '#1e222d' }, horzLines: { color: '#1e222d' } },
  timeScale: { timeVisible: true, secondsVisible: false, borderColor: '#363a45', barSpacing: 12, rightOffset: 4 },
  rightPriceScale: { borderColor: '#363a45' },
  localization: { timeFormatter: (/** @type {number} */ t) => formatTime(t * 1000, selection?.interval ?? '1m') },
});
const series = chart.addSeries(LWC.CandlestickSeries, {
  upColor: COLORS.up, downColor: COLORS.down, borderUpColor: COLORS.up, borderDownColor: COLORS.down,
  wickUpColor: COLORS.up, wickDownColor: COLORS.down,
});
series.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.25 } });
const volume = chart.addSeries(LWC.HistogramSeries, {
  priceFormat: { type: 'volume' }, priceScaleId: 'volume', lastValueVisible: false, priceLineVisible: false,
});
chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });

/** @type {Exchange[]} */
let exchanges = [];
/** @type {Selection | undefined} */
let selection;
let candles = new CandleSet();
/** Bumped on every new selection: answers and messages for an older one are dropped. */
let generation = 0;
let updates = 0;
let precision = -1;
/** @type {WebSocket | undefined} */
let socket;
let hovering = false;
let loadingOlder = false;
let reachedStart = false;

// ---- the API ----

async function getJson(/** @type {string} */ url) {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.message ?? `${res.status} ${res.statusText}`);
  return body;
}

const enc = encodeURIComponent;

/** Where history ends: the newest stored print of the series (a replay's data is in the past), else now. */
async function latestMs(/** @type {Selection} */ s) {
  try {
    const { trade } = await getJson(`/v1/${enc(s.exchange)}/recent/${enc(s.symbol)}?limit=1`);
    const time = Number(trade?.[0]?.time);
    return Number.isFinite(time) && time > 0 ? time : Date.now();
  } catch {
    return Date.now();
  }
}

/** @returns {Promise<Kline[]>} */
async function storedBefore(/** @type {Selection} */ s, /** @type {number} */ endMs) {
  const w = windowBefore(s.interval, endMs, PAGE);
  const { kline } = await getJson(`/v1/${enc(s.exchange)}/exgate/kline/${enc(s.symbol)}/${enc(s.interval)}/${w.startMs}/${w.endMs}?limit=${PAGE}`);
  return kline;
}

// ---- drawing ----

function redrawAll() {
  series.setData(candles.bars());
  volume.setData(candles.volumeBars());
  applyPrecision();
}

function applyPrecision() {
  if (candles.priceScale === precision) return;
  precision = candles.priceScale;
  series.applyOptions({ priceFormat: { type: 'price', precision, minMove: 10 ** -precision } });
}

/** A live candle: the last bar changes in place, a new bucket appends, a correction replaces its bar. */
function applyLive(/** @type {Kline} */ k) {
  updates++;
  const change = candles.apply(k);
  if (change === 'append' || change === 'replace-last') {
    series.update(toBar(k));
    volume.update(toVolumeBar(k));
    applyPrecision();
  } else if (change === 'replace' || change === 'insert') {
    // An older bucket (a correction after its close): the library only edits the newest bar in
    // place, so the series is laid out again.
    redrawAll();
  }
  showStatus('live');
}

// ---- status and legend ----

function showStatus(/** @type {string} */ state, /** @type {string} */ text = '') {
  const last = candles.last();
  statusEl.dataset.state = state;
  statusEl.dataset.candles = String(candles.size);
  statusEl.dataset.updates = String(updates);
  statusEl.dataset.lastOpen = last ? String(last.open_time) : '';
  statusEl.dataset.lastVersion = last ? String(last.version ?? '') : '';
  statusEl.dataset.lastClose = last ? last.close : '';
  const counts = `${candles.size} candles · ${updates} live updates`;
  statusEl.textContent = state === 'live' ? `live · ${counts}` : text || `${state} · ${counts}`;
  if (!hovering) showLegend(last);
}

function showLegend(/** @type {Kline | undefined} */ k) {
  legendEl.replaceChildren();
  if (!k || !selection) {
    legendEl.textContent = '\u00a0';
    return;
  }
  const part = (/** @type {string} */ label, /** @type {string} */ value, cls = '') => {
    const span = document.createElement('span');
    if (cls) span.className = cls;
    span.append(label ? `${label} ` : '');
    const b = document.createElement('b');
    b.textContent = value;
    span.append(b);
    legendEl.append(span);
  };
  part('', `${selection.symbol} ${selection.interval}`);
  part('', formatTime(k.open_time, selection.interval));
  part('O', k.open);
  part('H', k.high);
  part('L', k.low);
  part('C', k.close);
  part('V', k.volume);
  if (k.trade_count !== undefined) part('trades', String(k.trade_count));
  if (k.state) part('', `${k.state} v${k.version ?? 0}`);
  if (k.gap_free === false) part('', 'not gap-free', 'warn');
}

chart.subscribeCrosshairMove((param) => {
  hovering = param.time !== undefined;
  showLegend(hovering ? candles.at(/** @type {number} */ (param.time)) : candles.last());
});

// ---- a series: history, then live ----

function closeSocket() {
  const s = socket;
  socket = undefined;
  if (s && s.readyState <= WebSocket.OPEN) s.close(1000, 'another series');
}

async function show(/** @type {Selection} */ s) {
  const gen = ++generation;
  closeSocket();
  selection = s;
  candles = new CandleSet();
  updates = 0;
  precision = -1;
  reachedStart = false;
  redrawAll();
  writeUrl(s);
  document.title = `${s.symbol} ${s.interval} · exgate`;
  showStatus('loading', 'loading…');
  /** @type {Kline[] | undefined} live messages that arrive before the history: applied after it */
  let early = [];
  connect(gen, s, (k) => (early ? early.push(k) : applyLive(k)), 0);
  /** @type {string | undefined} */
  let failure;
  try {
    const history = await storedBefore(s, await latestMs(s));
    if (gen !== generation) return;
    for (const k of history) candles.apply(k);
    redrawAll();
    chart.timeScale().scrollToRealTime();
  } catch (e) {
    failure = /** @type {Error} */ (e).message;
  }
  if (gen !== generation) return;
  // Without history the live candles are still worth drawing.
  const pending = early;
  early = undefined;
  for (const k of pending) applyLive(k);
  if (failure !== undefined) showStatus('error', `history failed: ${failure}; showing live updates only`);
  else showStatus(socket?.readyState === WebSocket.OPEN ? 'live' : 'connecting', 'connecting…');
}

/** The websocket sends no snapshot: after a reconnect the history fills what was missed. */
function connect(/** @type {number} */ gen, /** @type {Selection} */ s, /** @type {(k: Kline) => void} */ onKline, /** @type {number} */ attempt) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${scheme}//${location.host}/ws/v1/${enc(s.exchange)}/kline/${enc(s.symbol)}/${enc(s.interval)}`);
  socket = ws;
  let opened = false;
  ws.onopen = () => {
    if (gen !== generation) return;
    opened = true;
    showStatus('live');
    if (attempt > 0) void catchUp(gen, s);
  };
  ws.onmessage = (e) => {
    if (gen === generation) onKline(JSON.parse(String(e.data)));
  };
  ws.onclose = (e) => {
    if (gen !== generation || socket !== ws) return;
    // A socket that was open starts the backoff again; one that never opened doubles it.
    const next = opened ? 1 : attempt + 1;
    const delayMs = Math.min(RETRY_MAX_MS, 250 * 2 ** next);
    showStatus('reconnecting', `disconnected (${e.code}); reconnecting in ${Math.round(delayMs / 100) / 10} s`);
    setTimeout(() => {
      if (gen === generation) connect(gen, s, onKline, next);
    }, delayMs);
  };
}

async function catchUp(/** @type {number} */ gen, /** @type {Selection} */ s) {
  try {
    const history = await storedBefore(s, await latestMs(s));
    if (gen !== generation) return;
    for (const k of history) candles.apply(k);
    redrawAll();
    showStatus('live');
  } catch {
    // The next live update still arrives; the gap stays until the page reloads.
  }
}

/** Scrolling to the left edge loads the page of candles before the first one. */
chart.timeScale().subscribeVisibleLogicalRangeChange((range) => {
  if (!range || range.from > 10 || loadingOlder || reachedStart || !selection || candles.size === 0) return;
  const s = selection;
  const gen = generation;
  const first = /** @type {Kline} */ (candles.first());
  loadingOlder = true;
  storedBefore(s, first.open_time - 1)
    .then((older) => {
      if (gen !== generation) return;
      if (older.length === 0) reachedStart = true;
      for (const k of older) candles.apply(k);
      redrawAll();
      showStatus(statusEl.dataset.state ?? 'live');
    })
    .catch(() => {
      reachedStart = true;
    })
    .finally(() => {
      loadingOlder = false;
    });
});

// ---- pickers ----

function fill(/** @type {HTMLSelectElement} */ select, /** @type {Array<[value: string, label: string, disabled?: boolean]>} */ options, /** @type {string | undefined} */ wanted) {
  select.replaceChildren(...options.map(([value, label, disabled]) => {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = label;
    o.disabled = disabled === true;
    return o;
  }));
  const enabled = options.filter(([, , disabled]) => disabled !== true).map(([value]) => value);
  select.value = wanted !== undefined && enabled.includes(wanted) ? wanted : (enabled[0] ?? '');
}

function fillFor(/** @type {Exchange} */ e, /** @type {Partial<Selection>} */ wanted) {
  fill(pickers.symbol, e.symbols.map((sym) => [sym, sym]), wanted.symbol?.toUpperCase());
  fill(pickers.interval, e.intervals.map((i) => [i, i]), wanted.interval ?? (e.intervals.includes('1m') ? '1m' : undefined));
}

function current() {
  return { exchange: pickers.exchange.value, symbol: pickers.symbol.value, interval: pickers.interval.value };
}

function writeUrl(/** @type {Selection} */ s) {
  const url = new URL(location.href);
  url.search = new URLSearchParams(s).toString();
  history.replaceState(null, '', url);
}

function showCurrent() {
  const s = current();
  if (s.exchange && s.symbol && s.interval) void show(s);
  else showStatus('idle', 'nothing is pulled on this exchange: start with GET /v1/{exchange}/aggtrade/pull/{symbol}/1m');
}

pickers.exchange.addEventListener('change', () => {
  const e = exchanges.find((x) => x.id === pickers.exchange.value);
  if (e) fillFor(e, { interval: pickers.interval.value });
  showCurrent();
});
pickers.symbol.addEventListener('change', showCurrent);
pickers.interval.addEventListener('change', showCurrent);
addEventListener('pagehide', closeSocket);

async function start() {
  try {
    exchanges = (await getJson('/v1/exchanges')).exchanges;
  } catch (e) {
    showStatus('error', `cannot list exchanges: ${/** @type {Error} */ (e).message}`);
    return;
  }
  // ?exchange=fbinance&symbol=btcusdt&interval=5m, as the API takes them (ids or aliases).
  const params = new URLSearchParams(location.search);
  const asked = params.get('exchange')?.toLowerCase();
  const withSymbols = exchanges.filter((e) => e.symbols.length > 0);
  const chosen = exchanges.find((e) => e.id === asked || e.aliases.includes(asked ?? '')) ?? withSymbols[0] ?? exchanges[0];
  fill(pickers.exchange, exchanges.map((e) => [e.id, e.symbols.length > 0 ? e.name : `${e.name} (nothing pulled)`]), chosen?.id);
  if (chosen) fillFor(chosen, { symbol: params.get('symbol') ?? undefined, interval: params.get('interval') ?? undefined });
  showCurrent();
}

void start();
