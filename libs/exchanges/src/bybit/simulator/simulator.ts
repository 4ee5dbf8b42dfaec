import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pace } from '../../types';
import { CUT_SHORT_FRAME, type AcceptSocket, type PrintFate } from '../../common/simulator/core';
import { PlayedSimulator } from '../../common/simulator/played';
import { exgateSymbol, LIMITS, type Category } from '../constants';
import { BybitSimConnection, categoryOfPath, type SimConnectionLimits } from './connection';
import { pushText, recordingFromFrames, type BybitSimPrint, type RecordedFrame, type Recording } from './recording';
import { handleBybitRest, RequestWindow, type RetCodeFault } from './rest-handler';

export interface BybitSimulatorOptions extends Partial<SimConnectionLimits> {
  readonly port?: number;
  readonly host?: string;
  /** JSON lines of `publicTrade` pushes, both markets, any symbols. */
  readonly frames: readonly string[];
  readonly pace?: Pace;
  readonly restHistory?: 'printed' | 'all';
  /** Listed in instruments-info without prints, Bybit's spelling. */
  readonly extraSymbols?: Readonly<Partial<Record<Category, readonly string[]>>>;
  readonly requestsPerWindow?: number;
  readonly requestWindowMs?: number;
  readonly banMs?: number;
  readonly instrumentsPageSize?: number;
}

/**
 * A local Bybit v5: the public websocket (`/v5/public/linear`, `/v5/public/spot`; subscribe,
 * unsubscribe, ping, the idle cut) and the market REST the adapter calls (recent-trade, kline,
 * instruments-info; retCode errors inside HTTP 200, the per-IP limit's 403), playing recorded
 * pushes verbatim (a push whose fills were partly skipped is re-encoded), with every fault of
 * SimulatorControl. Events: connection, close, subscribe, ping, rest.
 */
export class BybitSimulator extends PlayedSimulator<BybitSimPrint, BybitSimConnection> {
  private readonly retCodeFaults: (RetCodeFault & { remaining: number })[] = [];
  /** Fills of a push waiting for the rest of it (per exgate symbol); `garbled`: it goes out cut short. */
  private readonly pending = new Map<string, { readonly prints: BybitSimPrint[]; garbled: boolean }>();
  private flushScheduled = false;
  /** Symbols listed per category (Bybit's spelling): the recording's and the extra ones. */
  private readonly listing = new Map<Category, readonly string[]>();
  private readonly limits: SimConnectionLimits;
  private readonly window: RequestWindow;

  private constructor(private readonly options: BybitSimulatorOptions, private readonly recording: Recording) {
    super(recording.timelines, options.pace ?? 'asap');
    this.limits = { idleCutMs: options.idleCutMs ?? LIMITS.idleCutMs, pongStyle: options.pongStyle ?? 'ret_msg' };
    this.window = new RequestWindow(options.requestsPerWindow ?? LIMITS.requestsPerWindow, options.requestWindowMs ?? LIMITS.requestWindowMs, options.banMs ?? LIMITS.banMs);
  }

  static async start(options: BybitSimulatorOptions): Promise<BybitSimulator> {
    const sim = new BybitSimulator(options, recordingFromFrames(options.frames));
    await sim.listen(options.host, options.port);
    return sim;
  }

  /** The next `times` REST requests answer HTTP 200 with this retCode (Bybit's way of failing). */
  failRetCode(retCode: number, retMsg: string, options: { times?: number; resetInMs?: number } = {}): void {
    this.retCodeFaults.push({ retCode, retMsg, resetInMs: options.resetInMs, remaining: options.times ?? 1 });
  }

  /** Subscribed symbols (Bybit's spelling) per open connection, with its category. */
  subscriptions(): { category: Category; wires: string[] }[] {
    return [...this.connections].map((c) => ({ category: c.category, wires: [...c.wires].sort() }));
  }

  // ---- internals ----

  private listed(category: Category): readonly string[] {
    let list = this.listing.get(category);
    if (!list) {
      const recorded = this.recording.frames.filter((f) => f.category === category).map((f) => f.wire);
      list = [...new Set([...recorded, ...(this.options.extraSymbols?.[category] ?? [])])];
      this.listing.set(category, list);
    }
    return list;
  }

  private takeRetCodeFault(): RetCodeFault | null {
    const f = this.retCodeFaults[0];
    if (!f) return null;
    if (--f.remaining <= 0) this.retCodeFaults.shift();
    return f;
  }

  protected serveRest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return handleBybitRest(req, res, {
      listed: (category) => this.listed(category),
      prints: (category, wire) => this.historyOf(exgateSymbol(category, wire), this.options.restHistory),
      takeFault: () => this.restFaults.take(),
      takeRetCodeFault: () => this.takeRetCodeFault(),
      window: this.window,
      instrumentsPageSize: this.options.instrumentsPageSize ?? 500,
      onRequest: (path, query, status, retCode) => this.answered(status, { path, query, retCode }),
    });
  }

  protected serveUpgrade(req: IncomingMessage, accept: AcceptSocket): boolean {
    const category = categoryOfPath(req.url ?? '/');
    if (!category) return false;
    accept((ws) => {
      this.opened(new BybitSimConnection(this.connectionId(), category, ws, this.limits, {
        listed: (c, wire) => this.listed(c).includes(wire),
        onSubscribed: (c, wires) => {
          this.emit('subscribe', { id: c.id, category: c.category, wires });
          for (const w of wires) this.players.start(exgateSymbol(c.category, w));
        },
        onPing: (c) => this.pinged(c),
        onClosed: (c) => this.closed(c),
      }), { url: req.url ?? '', category });
    });
    return true;
  }

  /**
   * Fills leave as their push: held until the push's last fill (or, when a fault lost that one,
   * until the next turn of the event loop), then sent once to every connection that wants it. One
   * fill garbled spoils the push that carries it, and so its neighbours. What was sent is recorded
   * when the push goes out: nothing to answer now.
   */
  protected deliver(p: BybitSimPrint, fate: PrintFate): boolean {
    if (fate.kind === 'lost') return false;
    const held = this.pending.get(p.symbol);
    if (held && held.prints[0]!.frame !== p.frame) this.flush(p.symbol);
    const push = this.pending.get(p.symbol) ?? { prints: [], garbled: false };
    push.prints.push(p);
    if (fate.kind === 'garbled') push.garbled = true;
    this.pending.set(p.symbol, push);
    if (p.lastOfFrame) this.flush(p.symbol);
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        for (const symbol of [...this.pending.keys()]) this.flush(symbol);
      });
    }
    return false;
  }

  private flush(symbol: string): void {
    const push = this.pending.get(symbol);
    this.pending.delete(symbol);
    const first = push?.prints[0];
    if (!first) return;
    const frame: RecordedFrame = this.recording.frames[first.frame]!;
    const text = push.garbled ? CUT_SHORT_FRAME : pushText(frame, push.prints);
    const sent = this.toEach((c) => c.deliver(first.wire, text));
    if (sent && !push.garbled) for (const p of push.prints) this.players.recordSent(p);
  }
}
