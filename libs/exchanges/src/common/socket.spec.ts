import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { systemClock, TURN_BUDGET_MS } from '@exgate/runtime';
import { repoRoot } from '@exgate/testing';
import type { FeedProtocol } from './protocol';
import { FeedSocket } from './socket';

/** A protocol whose frames are all data: the socket's own reading is what is under test. */
const plain: FeedProtocol = {
  exchange: 'test', subscribesInUrl: true, url: (base) => base,
  command: () => ({ text: '', awaits: [] }), answer: () => null, heartbeat: { type: 'ws-ping' },
  parseFrame: () => ({ type: 'control', detail: '' }),
  limits: { maxStreamsPerConnection: 1, maxOutgoingPerSecond: 10, rotateAfterMs: null, maxSymbolsPerCommand: 1 },
};

const FRAMES = 20_000;
/** What parsing and handing on one frame costs, about (ms). */
const FRAME_COST_MS = 0.05;

/** An exchange in another process (it keeps sending while this one is busy) that sends every frame at once. */
const EXCHANGE = `
const { WebSocketServer } = require('ws');
const server = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => console.log(server.address().port));
server.on('connection', (ws) => { for (let i = 0; i < ${FRAMES}; i++) ws.send('{"n":' + i + ',"pad":"${'x'.repeat(80)}"}'); });
`;

describe('FeedSocket reading a backlog', () => {
  let exchange: ChildProcess;
  afterEach(() => exchange.kill('SIGKILL'));

  it('reads within a budget per turn of the event loop, every frame in order', async () => {
    exchange = spawn(process.execPath, ['-e', EXCHANGE], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    const [portLine] = (await once(exchange.stdout!, 'data')) as [Buffer];
    const received: number[] = [];
    // Frames read between two turns of the timers: a count, which a busy machine cannot inflate.
    let mostPerTurn = 0;
    let atLastTurn = 0;
    const ticker = setInterval(() => {
      mostPerTurn = Math.max(mostPerTurn, received.length - atLastTurn);
      atLastTurn = received.length;
    }, 1);
    const done = new Promise<void>((resolve, reject) => {
      const socket = new FeedSocket(`ws://127.0.0.1:${Number(portLine.toString().trim())}`, plain, {
        connectTimeoutMs: 5_000, pingIntervalMs: 60_000, pongTimeoutMs: 60_000, silenceTimeoutMs: 60_000, commandTimeoutMs: 5_000,
      }, systemClock, {
        // Busy while the exchange sends: its frames pile up in this socket's buffers.
        onOpen: () => {
          const until = performance.now() + 500;
          while (performance.now() < until) { /* busy */ }
        },
        onFrame: (text) => {
          const until = performance.now() + FRAME_COST_MS;
          while (performance.now() < until) { /* work */ }
          received.push((JSON.parse(text) as { n: number }).n);
          if (received.length === FRAMES) {
            socket.close();
            resolve();
          }
        },
        onUndecodable: () => undefined,
        onDown: (reason) => reject(new Error(reason)),
        onAlive: () => undefined,
      });
    });
    try {
      await done;
    } finally {
      clearInterval(ticker);
    }
    expect(received).toEqual(Array.from({ length: FRAMES }, (_, i) => i));
    // Read whole, a chunk of the socket (64 KB) is some 700 of these frames, and more than a
    // chunk arrives at once (measured: about 1,200 a turn). Within the budget: 200, and fewer
    // when the machine is slow. On a loaded machine the 1 ms ticker can miss one turn (libuv
    // schedules it from its cached loop time), so two turns' worth is the bound: still far below
    // a backlog read whole.
    expect(mostPerTurn).toBeLessThanOrEqual(2 * (TURN_BUDGET_MS / FRAME_COST_MS) + 1);
  });
});

describe('FeedSocket silence', () => {
  it('stays up while frames keep coming for many timeouts, and goes down one timeout after the last', async () => {
    const { WebSocketServer } = await import('ws');
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    const SILENCE_MS = 300;
    let lastSentAt = 0;
    server.on('connection', (ws) => {
      let sent = 0;
      // A frame every 50 ms for 1.5 s: five silence timeouts long, never 300 ms without a frame.
      const timer = setInterval(() => {
        ws.send(`{"n":${sent++}}`);
        lastSentAt = performance.now();
        if (sent === 30) clearInterval(timer);
      }, 50);
      ws.on('close', () => clearInterval(timer));
    });
    let frames = 0;
    try {
      const { reason, downAt } = await new Promise<{ reason: string; downAt: number }>((resolve) => {
        new FeedSocket(`ws://127.0.0.1:${(server.address() as { port: number }).port}`, plain, {
          connectTimeoutMs: 5_000, pingIntervalMs: 60_000, pongTimeoutMs: 60_000, silenceTimeoutMs: SILENCE_MS, commandTimeoutMs: 5_000,
        }, systemClock, {
          onOpen: () => undefined,
          onFrame: () => (frames += 1),
          onUndecodable: () => undefined,
          onDown: (why) => resolve({ reason: why, downAt: performance.now() }),
          onAlive: () => undefined,
        });
      });
      expect(reason).toBe(`silence: no frame for ${SILENCE_MS} ms`);
      expect(frames).toBe(30);
      // Timers run on the loop's cached time, which can lag a few ms: not sooner than that.
      expect(downAt - lastSentAt).toBeGreaterThanOrEqual(SILENCE_MS - 20);
    } finally {
      for (const client of server.clients) client.terminate();
      server.close();
    }
  });
});
