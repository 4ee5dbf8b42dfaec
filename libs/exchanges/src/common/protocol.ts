import type { TradeKind } from '@exgate/domain';
import type { FrameResult } from '../types';

/**
 * What an exchange tells the shared connection code (feed.ts, connection.ts, socket.ts) about its
 * websocket: where to connect, how to ask for streams, how its answers and heartbeats look, and
 * its pure frame mapper. Everything else (reconnects with backoff and jitter, heartbeats, silence,
 * rotation with overlap, de-duplication, sharding over connections) is shared. Modelled on
 * tardis-node's RealTimeFeedBase, where each exchange is a few dozen lines.
 */
export interface FeedProtocol {
  /** Names connections in logs and statuses (`<exchange>/<kind>#n`). */
  readonly exchange: string;
  /**
   * The URL of a connection that is to carry `symbols`. Exchanges that subscribe inside the URL
   * (Binance's combined streams) put them there and set `subscribesInUrl`; the others return a
   * fixed endpoint and the connection subscribes once it is open.
   */
  url(base: string, kind: TradeKind, symbols: readonly string[]): string;
  readonly subscribesInUrl: boolean;
  /**
   * The message that subscribes or unsubscribes `symbols`, and the answers that settle it.
   * `nextId` hands out request ids unique on the connection. May be async (a signed request).
   * `carried` is every symbol the connection carries once the command is done: exchanges whose
   * subscribe replaces the whole list (HotBit's `deals.subscribe`) send that instead of `symbols`.
   */
  command(
    op: 'subscribe' | 'unsubscribe', kind: TradeKind, symbols: readonly string[], nextId: () => number, carried: readonly string[],
  ): Command | Promise<Command>;
  /**
   * A command's answer, or null for every other frame. Runs on every text frame before the
   * mapper, so it must reject data frames cheaply (a substring test before any JSON.parse).
   */
  answer(text: string): Answer | null;
  readonly heartbeat: Heartbeat;
  /**
   * Binary frames as text (HotBit gzips every frame); null: not a frame to read. Throws when the
   * frame cannot be decoded: it is rejected (`undecodable`) and counted, and the stream goes on.
   * Absent: binary frames are ignored.
   */
  decode?(data: Buffer): string | null;
  /** The exchange's pure mapper: parsed once per frame, never throws. */
  parseFrame(raw: string, receivedAtMs: number): FrameResult;
  readonly limits: ConnectionLimits;
}

export interface Command {
  readonly text: string;
  /** Answer keys that settle it, all of them (Binance: the request id; OKX: one per channel and instrument). */
  readonly awaits: readonly string[];
}

export interface Answer {
  /** The keys this answer settles; null when the exchange names none (it settles the oldest command). */
  readonly keys: readonly string[] | null;
  /** The exchange's refusal, as text for the log; null for success. */
  readonly error: string | null;
}

/**
 * How a connection shows it is alive. `ws-ping`: websocket ping frames answered by pong frames
 * (Binance, INTX). `message`: an application message the exchange answers (OKX's text `ping`,
 * Bybit's `{"op":"ping"}`, HotBit's `server.ping`); `isPong` runs before `answer`.
 */
export type Heartbeat =
  | { readonly type: 'ws-ping' }
  | { readonly type: 'message'; ping(nextId: () => number): string; isPong(text: string): boolean };

export interface ConnectionLimits {
  /** Streams one connection may carry; more symbols open more connections. */
  readonly maxStreamsPerConnection: number;
  /** Client messages per second, heartbeats included; over it some exchanges disconnect. */
  readonly maxOutgoingPerSecond: number;
  /** A successor connection is opened (overlapping) at this age; null: no lifetime to beat. */
  readonly rotateAfterMs: number | null;
  /** Symbols per subscribe message (Bybit spot takes 10 arguments at most). */
  readonly maxSymbolsPerCommand: number;
}
