import type { WebSocket } from 'ws';
import type { PlayedConnection } from './played';

/**
 * A simulator's end of one websocket, what every protocol's connection shares: its id, the
 * silence fault, the abrupt cut, and raw writes that skip a socket no longer open. A socket error
 * ends the connection, as an exchange's server would.
 */
export abstract class SimSocket implements PlayedConnection {
  private silentUntilMs = 0;

  protected constructor(readonly id: number, protected readonly ws: WebSocket) {
    ws.on('error', () => ws.terminate());
  }

  /** Silenced (the `silence` fault): no frames, no pongs, commands ignored. */
  get silent(): boolean {
    return Date.now() < this.silentUntilMs;
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  silenceUntil(untilMs: number): void {
    this.silentUntilMs = untilMs;
  }

  terminate(): void {
    this.ws.terminate();
  }

  sendRaw(text: string): void {
    if (this.open) this.ws.send(text);
  }
}
