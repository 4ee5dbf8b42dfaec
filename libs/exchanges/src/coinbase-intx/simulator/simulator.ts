import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pace } from '../../types';
import type { AcceptSocket, PrintFate } from '../../common/simulator/core';
import { PlayedSimulator } from '../../common/simulator/played';
import type { IntxCredentials } from '../protocol';
import { IntxSimConnection, SUBSCRIBE_WITHIN_MS } from './connection';
import { recordingFromFrames, type IntxSimPrint } from './recording';
import { handleIntxRest } from './rest-handler';

export interface IntxSimulatorOptions {
  readonly port?: number;
  readonly host?: string;
  /** JSON lines of MATCH messages, any instruments. */
  readonly frames: readonly string[];
  readonly pace?: Pace;
  readonly restHistory?: 'printed' | 'all';
  /** Listed without matches. */
  readonly extraSymbols?: readonly string[];
  /** The key it accepts (default: a fixed test key, not a real one). */
  readonly credentials?: IntxCredentials;
  readonly subscribeWithinMs?: number;
}

/** Made up for the simulator; the secret is base64 as INTX's are. */
export const SIMULATOR_CREDENTIALS: IntxCredentials = {
  apiKey: 'simulator-key', passphrase: 'simulator-passphrase', apiSecret: Buffer.from('exgate intx simulator secret').toString('base64'),
};

/**
 * A local Coinbase INTX: the market-data websocket (signed SUBSCRIBE checked against its own
 * `credentials`, SUBSCRIPTIONS snapshots, REJECTs, websocket ping/pong, the 3 s subscribe cut,
 * MATCH messages with per-connection sequences) and the public REST the adapter calls
 * (instruments, candles), playing recorded MATCH messages, with every fault of SimulatorControl.
 * A lost match still takes its sequence number, as a message lost on the way would.
 * Events: connection, close, subscribe, ping, rest.
 */
export class IntxSimulator extends PlayedSimulator<IntxSimPrint, IntxSimConnection> {
  readonly credentials: IntxCredentials;
  private readonly listing: readonly string[];

  private constructor(private readonly options: IntxSimulatorOptions, timelines: ReadonlyMap<string, readonly IntxSimPrint[]>) {
    super(timelines, options.pace ?? 'asap');
    this.credentials = options.credentials ?? SIMULATOR_CREDENTIALS;
    this.listing = [...new Set([...timelines.keys(), ...(options.extraSymbols ?? [])])];
  }

  static async start(options: IntxSimulatorOptions): Promise<IntxSimulator> {
    const sim = new IntxSimulator(options, recordingFromFrames(options.frames));
    await sim.listen(options.host, options.port);
    return sim;
  }

  /**
   * Numbered and sent with `patch`'s fields replaced: a message that arrives and takes its place
   * in the sequence but cannot be read (INTX changing a field's form, say).
   */
  spoilNext(n: number, patch: Readonly<Record<string, unknown>>, filter: { symbol?: string } = {}): void {
    this.players.next(n, { kind: 'patched', patch }, filter);
  }

  /** Subscribed instruments per open connection. */
  subscriptions(): string[][] {
    return [...this.connections].map((c) => [...c.products].sort());
  }

  // ---- internals ----

  protected serveRest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return handleIntxRest(req, res, {
      listed: () => this.listing,
      prints: (product) => this.historyOf(product, this.options.restHistory),
      takeFault: () => this.restFaults.take(),
      onRequest: (path, query, status) => this.answered(status, { path, query }),
    });
  }

  protected serveUpgrade(req: IncomingMessage, accept: AcceptSocket): boolean {
    if (new URL(req.url ?? '/', 'ws://simulator').pathname !== '/') return false;
    accept((ws) => {
      this.opened(new IntxSimConnection(this.connectionId(), ws, {
        credentials: this.credentials,
        subscribeWithinMs: this.options.subscribeWithinMs ?? SUBSCRIBE_WITHIN_MS,
        maxClockSkewS: 30,
        listed: (product) => this.listing.includes(product),
        onSubscribed: (c, products) => {
          this.emit('subscribe', { id: c.id, products });
          for (const p of products) this.players.start(p);
        },
        onPing: (c) => this.pinged(c),
        onClosed: (c) => this.closed(c),
      }), { url: req.url ?? '' });
    });
    return true;
  }

  protected deliver(p: IntxSimPrint, fate: PrintFate): boolean {
    return this.toEach((c) => c.deliver(p.symbol, p.message, fate));
  }
}
