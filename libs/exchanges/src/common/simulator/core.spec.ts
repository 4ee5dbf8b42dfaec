import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { CONGESTED_BYTES, GARBLED, LOST, PrintPlayers, SimServer } from './core';
import { SymbolPlayer } from './player';

describe('SimServer.corked', () => {
  let server: SimServer;
  const upgrades: IncomingMessage[] = [];
  const serverSide: WebSocket[] = [];

  beforeAll(async () => {
    server = new SimServer({
      rest: async (_req, res) => void res.end(),
      upgrade: (req, accept) => {
        upgrades.push(req);
        accept((ws) => serverSide.push(ws));
        return true;
      },
    });
    await server.listen();
  });

  afterAll(() => server.close());

  it('holds every connected socket corked while it runs, and sends what was written once it returns', async () => {
    const clients = [new WebSocket(server.wsBaseUrl), new WebSocket(server.wsBaseUrl)];
    const received: string[][] = clients.map(() => []);
    clients.forEach((c, i) => c.on('message', (data: Buffer) => received[i]!.push(data.toString())));
    await Promise.all(clients.map((c) => new Promise((resolve) => c.once('open', resolve))));
    while (serverSide.length < 2) await new Promise((resolve) => setImmediate(resolve));

    let corkedInside: number[] = [];
    server.corked(() => {
      corkedInside = upgrades.map((req) => req.socket.writableCorked);
      for (const ws of serverSide) for (const n of [1, 2, 3]) ws.send(`frame ${n}`);
    });
    expect(corkedInside).toEqual([1, 1]);
    expect(upgrades.map((req) => req.socket.writableCorked)).toEqual([0, 0]);

    while (received.some((r) => r.length < 3)) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(received).toEqual([['frame 1', 'frame 2', 'frame 3'], ['frame 1', 'frame 2', 'frame 3']]);

    // A closed client's socket leaves the set: corking skips it.
    clients[0]!.close();
    await new Promise((resolve) => upgrades[0]!.socket.once('close', resolve));
    server.corked(() => {
      corkedInside = upgrades.map((req) => req.socket.writableCorked);
    });
    expect(corkedInside).toEqual([0, 1]);
    clients[1]!.close();
  });

  it('is congested while a client that reads nothing has more than CONGESTED_BYTES waiting, and not once it read them', async () => {
    serverSide.length = 0;
    const client = new WebSocket(server.wsBaseUrl);
    let bytes = 0;
    client.on('message', (data: Buffer) => (bytes += data.length));
    await new Promise((resolve) => client.once('open', resolve));
    while (serverSide.length < 1) await new Promise((resolve) => setImmediate(resolve));
    client.pause();
    const frame = 'x'.repeat(64 * 1024);
    let sent = 0;
    // The system's own buffers take some first: write until the socket itself holds more than the bound.
    while (!server.congested() && sent < 64 * CONGESTED_BYTES) {
      serverSide[0]!.send(frame);
      sent += frame.length;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(server.congested()).toBe(true);
    client.resume();
    while (bytes < sent) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(server.congested()).toBe(false);
    client.close();
  });
});

describe('SymbolPlayer at the asap pace', () => {
  it('plays nothing while its listeners take no more, then the rest, in order', async () => {
    const timeline = Array.from({ length: 1_000 }, (_, n) => ({ eventTimeMs: n }));
    const played: number[] = [];
    let ready = false;
    const player = new SymbolPlayer(timeline, 'asap', (p) => played.push(p.eventTimeMs), (run) => run(), () => ready);
    player.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(played).toEqual([]);
    ready = true;
    await player.drained();
    expect(played).toEqual(timeline.map((p) => p.eventTimeMs));
    player.stop();
  });

  it('a paced player does not wait for its listeners (an exchange does not)', async () => {
    const timeline = Array.from({ length: 20 }, (_, n) => ({ eventTimeMs: n }));
    const played: number[] = [];
    const player = new SymbolPlayer(timeline, { speed: 1_000 }, (p) => played.push(p.eventTimeMs), (run) => run(), () => false);
    player.start();
    await player.drained();
    expect(played).toHaveLength(20);
  });
});

describe('PrintPlayers: fault rules', () => {
  const timeline = Array.from({ length: 7 }, (_, n) => ({ symbol: 'A', kind: 'trade' as const, id: n + 1, eventTimeMs: n }));

  it('hands each print on with its fate, rules taken in the order they were made; only sent and patched prints count as sent', async () => {
    const handed: [string, number, string][] = [];
    const players = new PrintPlayers(new Map([['A', timeline], ['B', [{ ...timeline[0]!, symbol: 'B' }]]]), 'asap', (p, fate) => {
      handed.push([p.symbol, p.id, fate.kind === 'patched' ? `patched ${JSON.stringify(fate.patch)}` : fate.kind]);
      return true;
    });
    players.next(2, GARBLED, { symbol: 'A' });
    players.next(1, LOST, { symbol: 'A' });
    players.next(1, { kind: 'patched', patch: { price: 'x' } }, { symbol: 'A', kind: 'trade' });
    players.next(1, GARBLED, { symbol: 'C' });
    players.next(1, LOST, { symbol: 'A', kind: 'aggTrade' });
    players.start('A');
    players.start('B');
    await players.drained();
    const of = (symbol: string) => handed.filter(([s]) => s === symbol).map(([, id, fate]) => [id, fate]);
    expect(of('A')).toEqual([[1, 'garbled'], [2, 'garbled'], [3, 'lost'], [4, 'patched {"price":"x"}'], [5, 'sent'], [6, 'sent'], [7, 'sent']]);
    expect(of('B')).toEqual([[1, 'sent']]);
    expect(players.printedIds('A', 'trade')).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(players.sentIds('A', 'trade')).toEqual([4, 5, 6, 7]);
    expect(players.sentIds('B', 'trade')).toEqual([1]);
    players.stop();
  });

  it('records nothing a simulator says did not reach a connection, and what it records later by recordSent', async () => {
    const players: PrintPlayers<(typeof timeline)[number]> = new PrintPlayers(new Map([['A', timeline]]), 'asap', (p) => {
      if (p.id % 2 === 0) queueMicrotask(() => players.recordSent(p));
      return false;
    });
    players.start('A');
    await players.drained();
    await Promise.resolve();
    expect(players.sentIds('A', 'trade')).toEqual([2, 4, 6]);
    players.stop();
  });
});
