import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pace } from '../../types';
import { CUT_SHORT_FRAME, type AcceptSocket, type PrintFate } from '../../common/simulator/core';
import { PlayedSimulator } from '../../common/simulator/played';
import { isSwap, LIMITS } from '../constants';
import { listTimeOfEpoch } from '../listing';
import { channelOfPath, OkxSimConnection } from './connection';
import { pushText, recordingFromFrames, type OkxSimPrint, type Recording } from './recording';
import { handleOkxRest, RequestWindow, type CodeFault, type OkxSimInstrument } from './rest-handler';

export interface OkxSimulatorOptions {
  readonly port?: number;
  readonly host?: string;
  /** JSON lines of `trades-all` (or `trades`) pushes, any instruments. */
  readonly frames: readonly string[];
  readonly pace?: Pace;
  readonly restHistory?: 'printed' | 'all';
  /** Listed without prints (OKX's spelling). */
  readonly extraSymbols?: readonly string[];
  /** Contract values of swaps (base per contract); default BTC 0.01, ETH 0.1, others 1. */
  readonly ctVals?: Readonly<Record<string, string>>;
  readonly idleCutMs?: number;
  readonly historyRequestsPerWindow?: number;
  readonly historyWindowMs?: number;
}

const CT_VALS: Readonly<Record<string, string>> = { BTC: '0.01', ETH: '0.1' };

/**
 * A local OKX v5: the public websocket (`/ws/v5/business` for `trades-all`, `/ws/v5/public` for
 * `trades`; subscribe acks, 60012/60018 refusals, text ping/pong, the 30 s idle cut) and the
 * market REST the adapter calls (instruments with listTime and ctVal, trades, history-trades by
 * id or time, candles and history-candles on UTC+8; codes inside HTTP 200, 429 past 20 history
 * requests per 2 s), playing recorded pushes, with every fault of SimulatorControl. A relisting in
 * the recording (tradeIds restarting) is a new listing in a later epoch: from its first fill on,
 * REST lists it and serves only its fills. Events: connection, close, subscribe, ping, rest.
 */
export class OkxSimulator extends PlayedSimulator<OkxSimPrint, OkxSimConnection> {
  private readonly codeFaults: (CodeFault & { remaining: number })[] = [];
  private readonly history: RequestWindow;

  private constructor(private readonly options: OkxSimulatorOptions, private readonly recording: Recording) {
    super(recording.timelines, options.pace ?? 'asap');
    this.history = new RequestWindow(options.historyRequestsPerWindow ?? LIMITS.historyRequestsPerWindow, options.historyWindowMs ?? LIMITS.historyWindowMs);
  }

  static async start(options: OkxSimulatorOptions): Promise<OkxSimulator> {
    const sim = new OkxSimulator(options, recordingFromFrames(options.frames));
    await sim.listen(options.host, options.port);
    return sim;
  }

  /** The next `times` REST requests answer HTTP 200 with this code (OKX's way of failing). */
  failCode(code: string, msg: string, options: { times?: number } = {}): void {
    this.codeFaults.push({ code, msg, remaining: options.times ?? 1 });
  }

  /** Subscribed instruments per open connection, with its channel. */
  subscriptions(): { channel: string; instIds: string[] }[] {
    return [...this.connections].map((c) => ({ channel: c.channel, instIds: [...c.instIds].sort() }));
  }

  /** The listing REST shows now: the recording's (epochs, ADR 0017) and the extra symbols. */
  instruments(): OkxSimInstrument[] {
    const out: OkxSimInstrument[] = [];
    for (const [instId, listings] of this.recording.listings) {
      const epoch = this.currentEpoch(instId) ?? listings[0]!.epoch;
      out.push({ instId, listTimeMs: listTimeOfEpoch(epoch), ...this.ctValOf(instId) });
    }
    for (const instId of this.options.extraSymbols ?? []) {
      if (!this.recording.listings.has(instId)) out.push({ instId, listTimeMs: listTimeOfEpoch(1), ...this.ctValOf(instId) });
    }
    return out;
  }

  // ---- internals ----

  private ctValOf(instId: string): { ctVal?: string } {
    if (!isSwap(instId)) return {};
    return { ctVal: this.options.ctVals?.[instId] ?? CT_VALS[instId.split('-')[0]!] ?? '1' };
  }

  /** The epoch of the newest listing REST may show (printed so far, or all). */
  private currentEpoch(instId: string): number | undefined {
    return this.historyOf(instId, this.options.restHistory).at(-1)?.epoch;
  }

  private restPrints(instId: string): readonly OkxSimPrint[] {
    const prints = this.historyOf(instId, this.options.restHistory);
    const epoch = prints[prints.length - 1]?.epoch;
    return prints.filter((p) => p.epoch === epoch);
  }

  private takeCodeFault(): CodeFault | null {
    const f = this.codeFaults[0];
    if (!f) return null;
    if (--f.remaining <= 0) this.codeFaults.shift();
    return f;
  }

  protected serveRest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return handleOkxRest(req, res, {
      instruments: () => this.instruments(),
      prints: (instId) => this.restPrints(instId),
      takeFault: () => this.restFaults.take(),
      takeCodeFault: () => this.takeCodeFault(),
      history: this.history,
      onRequest: (path, query, status, code) => this.answered(status, { path, query, code }),
    });
  }

  protected serveUpgrade(req: IncomingMessage, accept: AcceptSocket): boolean {
    const channel = channelOfPath(req.url ?? '/');
    if (!channel) return false;
    accept((ws) => {
      this.opened(new OkxSimConnection(this.connectionId(), channel, ws, this.options.idleCutMs ?? LIMITS.idleCutMs, {
        listed: (instId) => this.instruments().some((i) => i.instId === instId),
        onSubscribed: (c, instIds) => {
          this.emit('subscribe', { id: c.id, channel: c.channel, instIds });
          for (const s of instIds) this.players.start(s);
        },
        onPing: (c) => this.pinged(c),
        onClosed: (c) => this.closed(c),
      }), { url: req.url ?? '', channel });
    });
    return true;
  }

  /** Each fill is its own `trades-all` push, as OKX sends them. */
  protected deliver(p: OkxSimPrint, fate: PrintFate): boolean {
    if (fate.kind === 'lost') return false;
    return this.toEach((c) => c.deliver(p.symbol, fate.kind === 'garbled' ? CUT_SHORT_FRAME : pushText(p, c.channel)));
  }
}
