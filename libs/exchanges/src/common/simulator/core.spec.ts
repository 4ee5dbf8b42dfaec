import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { SimServer } from './core';

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
});
